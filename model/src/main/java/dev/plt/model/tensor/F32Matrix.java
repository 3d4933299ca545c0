package dev.plt.model.tensor;

/** A float32 matrix; {@code data[r * cols + c]}. */
public record F32Matrix(float[] data, int rows, int cols) implements Matrix {
    public F32Matrix {
        if ((long) rows * cols != data.length) {
            throw new IllegalArgumentException("F32Matrix " + rows + "x" + cols + " needs " + (long) rows * cols
                    + " values, got " + data.length);
        }
    }

    @Override
    public float get(int r, int c) {
        return data[r * cols + c];
    }

    @Override
    public long byteSize() {
        return 4L * data.length;
    }

    @Override
    public void copyRow(int r, float[] out, int outOff) {
        System.arraycopy(data, r * cols, out, outOff, cols);
    }
}
