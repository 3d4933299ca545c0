package dev.plt.model.inference;

import dev.plt.model.errors.ErrorKind;
import dev.plt.model.errors.InvalidInputException;

/**
 * Logits that are NaN or infinite mean the activations overflowed or NaN reached them; the row must
 * fail with {@link ErrorKind#NON_FINITE} rather than emit a NaN score or a token argmax picked from
 * garbage. Rows of a batch are computed independently, so a retry row by row isolates the bad one.
 */
final class NonFiniteLogits {
    private NonFiniteLogits() {
    }

    static InvalidInputException at(int position) {
        return new InvalidInputException(ErrorKind.NON_FINITE, "the model's logits at position " + position
                + " are NaN or infinite (activations overflowed, or the weights hold NaN/Inf)");
    }

    /** A log-probability computed from a row of logits: finite unless the logits were not. */
    static double require(double logprob, int position) {
        if (!Double.isFinite(logprob)) {
            throw at(position);
        }
        return logprob;
    }

    /** Checks every logit of {@code [off, off + n)}; one pass, cheap next to the LM-head multiply. */
    static void require(float[] logits, int off, int n, int position) {
        for (int i = off; i < off + n; i++) {
            if (!Float.isFinite(logits[i])) {
                throw at(position);
            }
        }
    }
}
