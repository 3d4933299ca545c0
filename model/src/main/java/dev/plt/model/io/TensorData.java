package dev.plt.model.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor to write: f32 values plus the dtype they are stored as ({@link SafetensorsWriter} rounds to
 * BF16/F16 to nearest even). {@code values} is not copied (weights are large); do not change it before
 * the write.
 *
 * @param dtype  storage type in the file
 * @param shape  dimensions, outermost first (copied)
 * @param values row-major values; length must equal the product of {@code shape}
 */
public record TensorData(DType dtype, int[] shape, float[] values) {
    public TensorData {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(values, "values");
        shape = shape.clone();
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got "
                    + values.length);
        }
    }

    public static TensorData f32(float[] values, int... shape) {
        return new TensorData(DType.F32, shape, values);
    }

    public static TensorData bf16(float[] values, int... shape) {
        return new TensorData(DType.BF16, shape, values);
    }

    public static TensorData f16(float[] values, int... shape) {
        return new TensorData(DType.F16, shape, values);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Bytes this tensor occupies in a safetensors file. */
    public long byteLength() {
        return (long) values.length * dtype.bytes();
    }

    // Records compare arrays by identity; compare contents instead.
    @Override
    public boolean equals(Object o) {
        return o instanceof TensorData t && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && Arrays.equals(values, t.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return "TensorData[" + dtype + Arrays.toString(shape) + "]";
    }
}
