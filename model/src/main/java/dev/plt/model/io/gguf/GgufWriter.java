package dev.plt.model.io.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a GGUF version 3 file (little-endian): magic "GGUF", version, tensor count, metadata count; the metadata
 * key/value pairs; one info per tensor (name, dimensions first-fastest, ggml type, data offset); padding to
 * {@link #ALIGNMENT}; then each tensor's data, every one starting at a multiple of the alignment. Tensor data is
 * produced only when the file is written, one tensor at a time, so a large model never sits in memory whole.
 * The file appears under its name only once complete (written beside it, then moved).
 */
public final class GgufWriter {
    /** GGUF's default alignment ({@code general.alignment} is not written, so readers assume it). */
    public static final int ALIGNMENT = 32;
    static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
    static final int VERSION = 3;

    /** Metadata value types of the GGUF format (gguf_type). */
    enum ValueType {
        UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, INT64, FLOAT64
    }

    /** Produces a tensor's values row by row: {@code rows.accept(row)} with each row of {@code ne[0]} floats. */
    @FunctionalInterface
    public interface Rows {
        void forEach(RowSink sink) throws IOException;
    }

    @FunctionalInterface
    public interface RowSink {
        void accept(float[] row) throws IOException;
    }

    private record Value(ValueType type, ValueType elementType, Object value) {
    }

    private record Tensor(String name, long[] ne, GgmlType type, Rows rows, long bytes) {
    }

    private final Map<String, Value> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();

    public GgufWriter putString(String key, String value) {
        return put(key, new Value(ValueType.STRING, null, value));
    }

    public GgufWriter putUInt32(String key, long value) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("GGUF key " + key + ": " + value + " does not fit a uint32");
        }
        return put(key, new Value(ValueType.UINT32, null, value));
    }

    public GgufWriter putFloat32(String key, float value) {
        return put(key, new Value(ValueType.FLOAT32, null, value));
    }

    public GgufWriter putBool(String key, boolean value) {
        return put(key, new Value(ValueType.BOOL, null, value));
    }

    public GgufWriter putStrings(String key, List<String> values) {
        return put(key, new Value(ValueType.ARRAY, ValueType.STRING, List.copyOf(values)));
    }

    public GgufWriter putInt32s(String key, int[] values) {
        return put(key, new Value(ValueType.ARRAY, ValueType.INT32, values.clone()));
    }

    private GgufWriter put(String key, Value value) {
        if (metadata.putIfAbsent(key, value) != null) {
            throw new IllegalArgumentException("GGUF key " + key + " written twice");
        }
        return this;
    }

    /**
     * Adds a tensor of GGUF dimensions {@code ne} (first dimension fastest: a Hugging Face {@code [out, in]}
     * matrix is {@code ne = {in, out}}); {@code rows} gives its {@code product(ne[1..])} rows of {@code ne[0]}.
     */
    public GgufWriter addTensor(String name, long[] ne, GgmlType type, Rows rows) {
        if (tensors.stream().anyMatch(t -> t.name().equals(name))) {
            throw new IllegalArgumentException("GGUF tensor " + name + " added twice");
        }
        long rowCount = 1;
        for (int i = 1; i < ne.length; i++) {
            rowCount *= ne[i];
        }
        tensors.add(new Tensor(name, ne.clone(), type, rows, rowCount * type.rowBytes(ne[0])));
        return this;
    }

    public int tensorCount() {
        return tensors.size();
    }

    /** Writes the file; returns its size in bytes. */
    public long write(Path file) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
             Output out = new Output(channel)) {
            out.u32(MAGIC).u32(VERSION).u64(tensors.size()).u64(metadata.size());
            for (Map.Entry<String, Value> kv : metadata.entrySet()) {
                out.string(kv.getKey());
                writeValue(out, kv.getValue());
            }
            long offset = 0;
            for (Tensor t : tensors) {
                out.string(t.name()).u32(t.ne().length);
                for (long n : t.ne()) {
                    out.u64(n);
                }
                out.u32(t.type().id()).u64(offset);
                offset = align(offset + t.bytes());
            }
            out.pad();
            for (Tensor t : tensors) {
                long start = out.position();
                t.rows().forEach(row -> {
                    if (row.length != t.ne()[0]) {
                        throw new IllegalStateException("tensor " + t.name() + ": a row of " + row.length
                                + " values, expected " + t.ne()[0]);
                    }
                    out.floats(row, t.type());
                });
                if (out.position() - start != t.bytes()) {
                    throw new IllegalStateException("tensor " + t.name() + ": wrote " + (out.position() - start)
                            + " bytes, expected " + t.bytes());
                }
                out.pad();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return Files.size(file);
    }

    private static void writeValue(Output out, Value v) throws IOException {
        out.u32(v.type().ordinal());
        switch (v.type()) {
            case STRING -> out.string((String) v.value());
            case UINT32 -> out.u32((Long) v.value());
            case FLOAT32 -> out.f32((Float) v.value());
            case BOOL -> out.u8((Boolean) v.value() ? 1 : 0);
            case ARRAY -> {
                out.u32(v.elementType().ordinal());
                if (v.elementType() == ValueType.STRING) {
                    @SuppressWarnings("unchecked")
                    List<String> strings = (List<String>) v.value();
                    out.u64(strings.size());
                    for (String s : strings) {
                        out.string(s);
                    }
                } else {
                    int[] ints = (int[]) v.value();
                    out.u64(ints.length);
                    for (int i : ints) {
                        out.u32(i & 0xFFFF_FFFFL);
                    }
                }
            }
            default -> throw new IllegalStateException("unwritten GGUF value type " + v.type());
        }
    }

    static long align(long offset) {
        return (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** A buffered little-endian channel writer that knows its position. */
    private static final class Output implements AutoCloseable {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        private long flushed;

        Output(FileChannel channel) {
            this.channel = channel;
        }

        long position() {
            return flushed + buffer.position();
        }

        private Output room(int bytes) throws IOException {
            if (buffer.remaining() < bytes) {
                flush();
            }
            return this;
        }

        Output u8(int v) throws IOException {
            room(1).buffer.put((byte) v);
            return this;
        }

        Output u32(long v) throws IOException {
            room(4).buffer.putInt((int) v);
            return this;
        }

        Output u64(long v) throws IOException {
            room(8).buffer.putLong(v);
            return this;
        }

        Output f32(float v) throws IOException {
            room(4).buffer.putFloat(v);
            return this;
        }

        Output string(String s) throws IOException {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            u64(bytes.length);
            for (int i = 0; i < bytes.length; i += buffer.capacity()) {
                int n = Math.min(buffer.capacity(), bytes.length - i);
                room(n).buffer.put(bytes, i, n);
            }
            return this;
        }

        /** One row in {@code type}: in slices that fit the buffer (whole Q8_0 blocks). */
        void floats(float[] row, GgmlType type) throws IOException {
            int slice = (buffer.capacity() / 2 / type.blockBytes()) * type.blockSize();
            for (int i = 0; i < row.length; i += slice) {
                int n = Math.min(slice, row.length - i);
                room((int) type.rowBytes(n));
                type.encode(row, i, n, buffer);
            }
        }

        void pad() throws IOException {
            long target = align(position());
            while (position() < target) {
                u8(0);
            }
        }

        private void flush() throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) {
                flushed += channel.write(buffer);
            }
            buffer.clear();
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
