package dev.plt.model.inference;

/**
 * Log-probabilities of a sequence's own tokens: {@code logprobs[i] = log p(x_i | x_<i)}, with
 * {@code logprobs[0] = NaN} (nothing predicts the first token).
 */
public record TokenScores(int[] tokens, double[] logprobs) {
    /** Sum over positions 1..n-1. */
    public double total() {
        double sum = 0;
        for (int i = 1; i < logprobs.length; i++) {
            sum += logprobs[i];
        }
        return sum;
    }
}
