package dev.plt.model.io;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Where one tensor lives: its file and the absolute byte range of its data in that file.
 *
 * @param name       tensor name, e.g. {@code model.norm.weight}
 * @param dtype      element type
 * @param shape      dimensions, outermost first (row-major); empty for a scalar. Copied on the way in
 *                   and out, so a caller cannot change this record.
 * @param file       the safetensors file holding the data
 * @param dataOffset absolute offset of the first data byte in {@code file}
 * @param byteLength number of data bytes ({@code elementCount() * dtype.bytes()})
 */
public record TensorInfo(String name, DType dtype, int[] shape, Path file, long dataOffset, long byteLength) {
    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(file, "file");
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Product of the dimensions (1 for a scalar). */
    public long elementCount() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** One dimension, without copying the shape. */
    public int dim(int i) {
        return shape[i];
    }

    // Records compare arrays by identity; shapes must compare by content.
    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && file.equals(t.file) && dataOffset == t.dataOffset && byteLength == t.byteLength;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), file, dataOffset, byteLength);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " @" + file.getFileName() + "+" + dataOffset;
    }
}
