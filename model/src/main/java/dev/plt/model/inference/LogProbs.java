package dev.plt.model.inference;

/** Reductions over one row of logits, without materialising the log-softmax. */
public final class LogProbs {
    private LogProbs() {
    }

    /** {@code log(sum_i exp(logits[i]))} over {@code [off, off + n)}, stable and in double. */
    public static double logSumExp(float[] logits, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[off + i]);
        }
        if (max == Float.NEGATIVE_INFINITY || Float.isNaN(max)) {
            return max;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(logits[off + i] - (double) max);
        }
        return max + Math.log(sum);
    }

    /** Index of the largest logit; the lowest id wins an exact tie (plt-spec section 8). */
    public static int argmax(float[] logits, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (logits[off + i] > logits[off + best]) {
                best = i;
            }
        }
        return best;
    }
}
