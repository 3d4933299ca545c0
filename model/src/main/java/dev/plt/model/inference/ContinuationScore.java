package dev.plt.model.inference;

/**
 * lm-evaluation-harness's answer to a loglikelihood request: the summed log-probability of the
 * continuation given the context, and whether greedy decoding would have produced it.
 */
public record ContinuationScore(double logprob, boolean greedy, int tokens) {
}
