package dev.plt.model.io;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The tensor element types a PLT checkpoint may use, named as safetensors names them. */
public enum DType {
    F32(4),
    BF16(2),
    F16(2);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /**
     * The dtype for a safetensors header's {@code "dtype"} string. Others (I64, F64, F8_E4M3, ...) are
     * rejected rather than guessed at: a weight we cannot read exactly must not load silently.
     *
     * @throws ModelFileException naming the unsupported dtype (callers add the file and tensor)
     */
    public static DType parse(String safetensorsName) {
        for (DType t : values()) {
            if (t.name().equals(safetensorsName)) {
                return t;
            }
        }
        String supported = Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
        throw new ModelFileException("unsupported dtype '" + safetensorsName + "' (supported: " + supported + ")");
    }
}
