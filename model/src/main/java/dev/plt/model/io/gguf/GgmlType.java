package dev.plt.model.io.gguf;

import dev.plt.model.io.Float16;
import dev.plt.model.tensor.Bf16Matrix;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * The ggml tensor types {@code plt export-gguf} writes, with their GGUF type ids (ggml.h's {@code ggml_type})
 * and storage: elements are stored row by row, the first GGUF dimension fastest; a quantised type packs
 * {@link #blockSize()} consecutive elements of a row into {@link #blockBytes()} bytes.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q8_0(8, Q8Zero.BLOCK, Q8Zero.BLOCK_BYTES),
    BF16(30, 1, 2);

    private final int id;
    private final int blockSize;
    private final int blockBytes;

    GgmlType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** The type id in a GGUF tensor info. */
    public int id() {
        return id;
    }

    public int blockSize() {
        return blockSize;
    }

    public int blockBytes() {
        return blockBytes;
    }

    /** Bytes of a row of {@code elements} (a multiple of {@link #blockSize()}). */
    public long rowBytes(long elements) {
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(this + " rows must hold a multiple of " + blockSize + " elements, got "
                    + elements);
        }
        return elements / blockSize * blockBytes;
    }

    /** Appends {@code n} values of {@code src} from {@code offset}, in this type, to {@code out} (little-endian). */
    public void encode(float[] src, int offset, int n, ByteBuffer out) {
        switch (this) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    out.putFloat(src[offset + i]);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out.putShort(Float16.fromFloat(src[offset + i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out.putShort(Bf16Matrix.fromFloat(src[offset + i]));
                }
            }
            case Q8_0 -> {
                rowBytes(n);
                for (int b = 0; b < n; b += blockSize) {
                    Q8Zero.quantizeBlock(src, offset + b, out);
                }
            }
        }
    }

    /** The ggml name (llama.cpp's, lower case): f32, f16, bf16, q8_0. */
    public String ggmlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses f32, f16, bf16 or q8_0 (any case); {@code option} names the option in the error. */
    public static GgmlType parse(String name, String option) {
        for (GgmlType type : values()) {
            if (type.ggmlName().equalsIgnoreCase(name.trim())) {
                return type;
            }
        }
        throw new IllegalArgumentException(option + ": unknown type '" + name + "' (use f32, f16, bf16 or q8_0)");
    }
}
