package dev.plt.model.tensor;

/**
 * A weight matrix in the Hugging Face {@code nn.Linear} layout: {@code rows} = output features,
 * {@code cols} = input features, row-major. Kernels read one row per output element, so a batched
 * matrix multiply streams each row once for all activation rows of a step.
 */
public sealed interface Matrix permits F32Matrix, Bf16Matrix, Int8Matrix {
    int rows();

    int cols();

    /** Element (r, c) widened to float; for tests and reference code, not for hot loops. */
    float get(int r, int c);

    /** Bytes this matrix occupies in memory (what a decode step streams from RAM). */
    long byteSize();

    /** Row {@code r} widened into {@code out[outOff .. outOff + cols)}. */
    default void copyRow(int r, float[] out, int outOff) {
        for (int c = 0; c < cols(); c++) {
            out[outOff + c] = get(r, c);
        }
    }
}
