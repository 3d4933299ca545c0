package dev.plt.model.io.gguf;

/**
 * Reorders the rows of a query or key projection from this project's RoPE layout to llama.cpp's.
 * Our RoPE (plt-spec section 5, Hugging Face's "rotate half") pairs feature {@code i} of a head with feature
 * {@code i + d/2}; llama.cpp's {@code llama} architecture ("normal" RoPE) pairs features {@code 2i} and
 * {@code 2i + 1}, with the same frequency {@code theta^(-2i/d)} for pair {@code i}. Moving row
 * {@code k * d/2 + i} of each head to row {@code 2i + k} makes llama.cpp rotate exactly the pairs we rotate,
 * and since the dot product q.k is unchanged by the same permutation of both, attention scores are equal.
 */
final class RopeRows {
    private RopeRows() {
    }

    /**
     * @param rows    row-major {@code [heads * headDim, columns]} (a bias has {@code columns = 1})
     * @return a new array with every head's rows in llama.cpp's interleaved order
     */
    static float[] toInterleaved(float[] rows, int heads, int headDim, int columns) {
        if (rows.length != (long) heads * headDim * columns) {
            throw new IllegalArgumentException("expected " + heads + " x " + headDim + " rows of " + columns
                    + " values, got " + rows.length + " values");
        }
        float[] out = new float[rows.length];
        int half = headDim / 2;
        for (int h = 0; h < heads; h++) {
            for (int k = 0; k < 2; k++) {
                for (int i = 0; i < half; i++) {
                    int from = h * headDim + k * half + i;
                    int to = h * headDim + 2 * i + k;
                    System.arraycopy(rows, from * columns, out, to * columns, columns);
                }
            }
        }
        return out;
    }
}
