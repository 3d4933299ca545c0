package dev.plt.model.tensor;

/**
 * Quantizes a matrix to {@link Int8Matrix}: per block of {@link Int8Matrix#BLOCK} input features, the scale is
 * the block's largest magnitude / 127 and each weight is rounded to the nearest multiple of it (ties away from
 * zero), so the largest weight of a block maps to +-127 exactly and no weight is clipped. An all-zero block gets
 * scale 0. The error of a weight is at most half a step, {@code max|w| / 254} of its block.
 */
public final class Int8Quantizer {
    private Int8Quantizer() {
    }

    /** {@code m} quantized; a matrix whose columns are not a multiple of the block gets a one-line error. */
    public static Int8Matrix quantize(Matrix m) {
        int rows = m.rows();
        int cols = m.cols();
        if (cols % Int8Matrix.BLOCK != 0) {
            throw new IllegalArgumentException("int8 weights need a multiple of " + Int8Matrix.BLOCK
                    + " input features, this matrix has " + cols);
        }
        byte[] data = new byte[rows * cols];
        float[] scales = new float[rows * (cols / Int8Matrix.BLOCK)];
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            m.copyRow(r, row, 0);
            for (int b = 0; b < cols / Int8Matrix.BLOCK; b++) {
                int from = b * Int8Matrix.BLOCK;
                float max = 0f;
                for (int c = from; c < from + Int8Matrix.BLOCK; c++) {
                    max = Math.max(max, Math.abs(row[c]));
                }
                float scale = max / 127f;
                float inverse = scale == 0f ? 0f : 1f / scale;
                scales[r * (cols / Int8Matrix.BLOCK) + b] = scale;
                for (int c = from; c < from + Int8Matrix.BLOCK; c++) {
                    // |row[c] * inverse| <= 127 up to rounding: clamp so a last-bit overshoot cannot wrap around
                    int q = Math.round(Math.abs(row[c]) * inverse);
                    data[r * cols + c] = (byte) (Math.signum(row[c]) < 0 ? -Math.min(q, 127) : Math.min(q, 127));
                }
            }
        }
        return new Int8Matrix(data, scales, rows, cols);
    }
}
