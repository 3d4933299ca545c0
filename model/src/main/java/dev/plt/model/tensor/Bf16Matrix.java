package dev.plt.model.tensor;

/**
 * A bfloat16 matrix kept as raw 16-bit patterns ({@code data[r * cols + c]}): bf16 checkpoints stay
 * bf16 in memory, halving the bytes a memory-bound decode step reads. Widening is exact: the bf16
 * bits are the high half of the float's bits.
 */
public record Bf16Matrix(short[] data, int rows, int cols) implements Matrix {
    public Bf16Matrix {
        if ((long) rows * cols != data.length) {
            throw new IllegalArgumentException("Bf16Matrix " + rows + "x" + cols + " needs " + (long) rows * cols
                    + " values, got " + data.length);
        }
    }

    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Round-to-nearest-even float to bf16 (NaN stays NaN). */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    @Override
    public float get(int r, int c) {
        return toFloat(data[r * cols + c]);
    }

    @Override
    public long byteSize() {
        return 2L * data.length;
    }
}
