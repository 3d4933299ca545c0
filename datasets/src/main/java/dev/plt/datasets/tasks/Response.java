package dev.plt.datasets.tasks;

import java.io.Serializable;

/**
 * A model's answer to one {@link Request}. Which fields mean something depends on the request:
 * {@code loglikelihood} and {@code greedy} for LOGLIKELIHOOD, {@code loglikelihood} alone for
 * LOGLIKELIHOOD_ROLLING, {@code text} for GENERATE_UNTIL. Build one with the factory that names its kind.
 */
public record Response(double loglikelihood, boolean greedy, String text) implements Serializable {

    /** Summed log-probability of the continuation and whether greedy decoding would produce it. */
    public static Response loglikelihood(double logprob, boolean greedy) {
        return new Response(logprob, greedy, null);
    }

    /** Summed log-probability of a whole document. */
    public static Response rolling(double logprob) {
        return new Response(logprob, false, null);
    }

    /** The generated text (cut at the stop string or not: scorers cut it again). */
    public static Response generation(String text) {
        return new Response(Double.NaN, false, text);
    }
}
