package dev.plt.trainer.data;

/**
 * A batch of fixed-length token windows, row-major [rows, length]: {@code targets[i]} is the token
 * that should follow {@code inputs[i]}, and {@code weights[i]} (0 or 1) says whether that prediction
 * counts in the loss (padding and prompt tokens do not).
 */
public record Batch(int rows, int length, long[] inputs, long[] targets, float[] weights) {
    public Batch {
        int n = rows * length;
        if (rows < 1 || length < 1 || inputs.length != n || targets.length != n || weights.length != n) {
            throw new IllegalArgumentException("batch arrays must all hold rows * length = " + n + " entries");
        }
    }

    /** How many predictions count in the loss. */
    public int countedTokens() {
        int n = 0;
        for (float w : weights) {
            n += w > 0 ? 1 : 0;
        }
        return n;
    }
}
