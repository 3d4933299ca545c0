package dev.plt.model.io.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small GGUF v3 reader of our own, for the tests: written from the format description, not from the writer,
 * so that it checks the writer's bytes (magic, version, counts, every metadata value with its type, tensor infos,
 * alignment of the data section and of each tensor, and the data itself).
 */
final class GgufReader {
    record TensorEntry(String name, long[] ne, int type, long offset) {
    }

    final int version;
    final Map<String, Object> metadata = new LinkedHashMap<>();
    final Map<String, Integer> valueTypes = new LinkedHashMap<>();
    final List<TensorEntry> tensors = new ArrayList<>();
    final long dataStart;
    private final ByteBuffer bytes;

    GgufReader(Path file) throws IOException {
        bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[4];
        bytes.get(magic);
        if (!new String(magic, StandardCharsets.US_ASCII).equals("GGUF")) {
            throw new IllegalStateException("bad magic");
        }
        version = bytes.getInt();
        long tensorCount = bytes.getLong();
        long kvCount = bytes.getLong();
        for (long i = 0; i < kvCount; i++) {
            String key = string();
            int type = bytes.getInt();
            valueTypes.put(key, type);
            metadata.put(key, value(type));
        }
        for (long i = 0; i < tensorCount; i++) {
            String name = string();
            int dims = bytes.getInt();
            long[] ne = new long[dims];
            for (int d = 0; d < dims; d++) {
                ne[d] = bytes.getLong();
            }
            tensors.add(new TensorEntry(name, ne, bytes.getInt(), bytes.getLong()));
        }
        long alignment = metadata.containsKey("general.alignment") ? (Long) metadata.get("general.alignment") : 32;
        dataStart = (bytes.position() + alignment - 1) / alignment * alignment;
        for (int p = bytes.position(); p < dataStart; p++) {
            if (bytes.get(p) != 0) {
                throw new IllegalStateException("non-zero padding before the data at " + p);
            }
        }
    }

    TensorEntry tensor(String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no tensor " + name));
    }

    /** The tensor's bytes, little-endian, {@code length} of them from its offset. */
    ByteBuffer data(TensorEntry t, long length) {
        return bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).position((int) (dataStart + t.offset()))
                .slice().order(ByteOrder.LITTLE_ENDIAN).limit((int) length);
    }

    long fileSize() {
        return bytes.capacity();
    }

    private String string() {
        byte[] b = new byte[(int) bytes.getLong()];
        bytes.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private Object value(int type) {
        return switch (type) {
            case 0, 1 -> (long) bytes.get();
            case 2, 3 -> (long) bytes.getShort();
            case 4 -> Integer.toUnsignedLong(bytes.getInt());
            case 5 -> (long) bytes.getInt();
            case 6 -> bytes.getFloat();
            case 7 -> bytes.get() != 0;
            case 8 -> string();
            case 9 -> {
                int elementType = bytes.getInt();
                long n = bytes.getLong();
                List<Object> list = new ArrayList<>();
                for (long i = 0; i < n; i++) {
                    list.add(value(elementType));
                }
                yield list;
            }
            case 10, 11 -> bytes.getLong();
            case 12 -> bytes.getDouble();
            default -> throw new IllegalStateException("unknown GGUF value type " + type);
        };
    }
}
