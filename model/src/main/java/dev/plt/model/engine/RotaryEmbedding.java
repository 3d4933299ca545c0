package dev.plt.model.engine;

/**
 * RoPE in the Hugging Face "rotate half" convention (plt-spec section 5): in each head, dimension i
 * pairs with i + d_h/2 and turns by {@code position * theta^(-2i/d_h)}. Angles depend only on the
 * position, so they are computed once per pass and reused by every layer.
 */
final class RotaryEmbedding {
    private final int headDim;
    private final double[] inverseFrequency;

    RotaryEmbedding(int headDim, double theta) {
        this.headDim = headDim;
        this.inverseFrequency = new double[headDim / 2];
        for (int i = 0; i < inverseFrequency.length; i++) {
            inverseFrequency[i] = Math.pow(theta, -2.0 * i / headDim);
        }
    }

    /** cos and sin per row, {@code [rows][d_h/2]}. */
    record Angles(float[] cos, float[] sin) { }

    Angles angles(int[] positions, int rows) {
        int half = headDim / 2;
        float[] cos = new float[rows * half];
        float[] sin = new float[rows * half];
        for (int row = 0; row < rows; row++) {
            for (int i = 0; i < half; i++) {
                double angle = positions[row] * inverseFrequency[i];
                cos[row * half + i] = (float) Math.cos(angle);
                sin[row * half + i] = (float) Math.sin(angle);
            }
        }
        return new Angles(cos, sin);
    }

    /** Rotates {@code x}, {@code [rows][numHeads * d_h]}, in place. */
    void rotate(float[] x, int numHeads, Angles angles) {
        int half = headDim / 2;
        int rows = angles.cos().length / half;
        int width = numHeads * headDim;
        for (int row = 0; row < rows; row++) {
            for (int h = 0; h < numHeads; h++) {
                int base = row * width + h * headDim;
                for (int i = 0; i < half; i++) {
                    float c = angles.cos()[row * half + i];
                    float s = angles.sin()[row * half + i];
                    float x1 = x[base + i];
                    float x2 = x[base + i + half];
                    x[base + i] = x1 * c - x2 * s;
                    x[base + i + half] = x2 * c + x1 * s;
                }
            }
        }
    }
}
