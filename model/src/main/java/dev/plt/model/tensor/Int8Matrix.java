package dev.plt.model.tensor;

/**
 * A weight matrix quantized to 8 bits per weight, weight-only: each row is cut into blocks of {@link #BLOCK}
 * consecutive input features, and each block keeps one f32 scale and 32 signed bytes; weight (r, c) is
 * {@code (float) data[r * cols + c] * scales[(r * cols + c) / BLOCK]}, computed exactly so by every kernel
 * (a float multiply, rounded once). The block layout is llama.cpp's Q8_0 idea, but the scale is f32 rather
 * than f16 (simpler, and no rounding of the scale): 36 bytes per 32 weights, 9 bits a weight against Q8_0's
 * 8.5. Made at load by {@link Int8Quantizer}; {@code cols} must be a multiple of {@link #BLOCK} (no partial
 * block), so a row's blocks never straddle two rows and the vector kernels need no scalar tail.
 */
public record Int8Matrix(byte[] data, float[] scales, int rows, int cols) implements Matrix {
    /** Input features per scale. */
    public static final int BLOCK = 32;

    public Int8Matrix {
        if (cols % BLOCK != 0) {
            throw new IllegalArgumentException("Int8Matrix needs a multiple of " + BLOCK + " columns, got " + cols);
        }
        if ((long) rows * cols != data.length) {
            throw new IllegalArgumentException("Int8Matrix " + rows + "x" + cols + " needs " + (long) rows * cols
                    + " values, got " + data.length);
        }
        if ((long) rows * (cols / BLOCK) != scales.length) {
            throw new IllegalArgumentException("Int8Matrix " + rows + "x" + cols + " needs " + (long) rows * cols / BLOCK
                    + " scales, got " + scales.length);
        }
    }

    /** The weight at flat index {@code i = r * cols + c}: the one formula every kernel uses. */
    public static float dequantize(byte[] data, float[] scales, int i) {
        return (float) data[i] * scales[i / BLOCK];
    }

    @Override
    public float get(int r, int c) {
        return dequantize(data, scales, r * cols + c);
    }

    @Override
    public long byteSize() {
        return data.length + (long) Float.BYTES * scales.length;
    }

    @Override
    public void copyRow(int r, float[] out, int outOff) {
        int base = r * cols;
        for (int c = 0; c < cols; c++) {
            out[outOff + c] = dequantize(data, scales, base + c);
        }
    }
}
