package dev.plt.model.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.plt.model.tensor.Bf16Matrix;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the tensors of a Hugging Face style checkpoint: {@code model.safetensors}, or the shards listed
 * in {@code model.safetensors.index.json}. All headers are read and validated by {@link #open}, so a
 * malformed or truncated checkpoint fails before any weight is loaded; data is read on demand.
 *
 * <p>Reading memory-maps each tensor's byte range (in windows of at most 1 GiB, since one
 * {@link MappedByteBuffer} is limited to 2 GiB) and copies it into a Java array, so the returned arrays
 * do not depend on the reader staying open. The file channels stay open until {@link #close()}.
 *
 * <p>Thread-safety: after {@code open} returns, {@code read*}, {@code find} and {@code require} may be
 * called from several threads at once ({@link FileChannel#map} is thread-safe and each call maps its own
 * range). {@code close} must not race with reads.
 */
public final class SafetensorsReader implements AutoCloseable {
    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    /** Mapping window; a multiple of every dtype size so no element straddles two windows. */
    private static final long WINDOW_BYTES = 1L << 30;

    private final Path source;
    private final Map<String, TensorInfo> tensors;
    private final Map<Path, FileChannel> channels;
    private volatile boolean closed;

    private SafetensorsReader(Path source, Map<String, TensorInfo> tensors, Map<Path, FileChannel> channels) {
        this.source = source;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.channels = channels;
    }

    /**
     * Opens a checkpoint. {@code modelDir} is a directory holding {@code model.safetensors} (preferred
     * when both exist) or {@code model.safetensors.index.json} plus its shards; a path to a single
     * {@code .safetensors} file is accepted too. Every file is checked by {@link ModelDirectory} before it
     * is opened: a shard the index names must be a {@code .safetensors} file inside the directory.
     *
     * @throws ModelFileException if the files are missing, unreadable, malformed or refused
     */
    public static SafetensorsReader open(Path modelDir) {
        if (Files.exists(modelDir) && !Files.isDirectory(modelDir)) {
            // One file given on its own: its directory is the jail.
            Path real = ModelDirectory.around(modelDir).require(modelDir.getFileName().toString(),
                    ModelDirectory.SAFETENSORS, why -> ModelFileException.of(modelDir, why));
            return openSingle(modelDir, real);
        }
        if (!Files.isDirectory(modelDir)) {
            throw ModelFileException.of(modelDir, "model directory does not exist (expected it to hold "
                    + SINGLE_FILE + " or " + INDEX_FILE + ")");
        }
        ModelDirectory dir = ModelDirectory.of(modelDir);
        if (dir.has(SINGLE_FILE)) {
            return openSingle(dir.shown(SINGLE_FILE), dir.require(SINGLE_FILE, ModelDirectory.SAFETENSORS));
        }
        if (dir.has(INDEX_FILE)) {
            return openSharded(dir);
        }
        PickleWeights.find(modelDir).ifPresent(pickle -> {
            throw PickleWeights.refusal(modelDir, pickle);
        });
        throw ModelFileException.of(modelDir, "no checkpoint found: neither " + SINGLE_FILE + " nor "
                + INDEX_FILE + " exists in this directory");
    }

    /** @param file the path messages name; {@code real} the checked path that is opened */
    private static SafetensorsReader openSingle(Path file, Path real) {
        Map<Path, FileChannel> channels = new LinkedHashMap<>();
        try {
            SafetensorsHeader header = openFile(file, real, channels);
            return new SafetensorsReader(file, new LinkedHashMap<>(header.tensors()), channels);
        } catch (RuntimeException e) {
            closeAll(channels, e);
            throw e;
        }
    }

    private static SafetensorsReader openSharded(ModelDirectory dir) {
        Path index = dir.shown(INDEX_FILE);
        Map<String, String> weightMap = readWeightMap(index, dir.require(INDEX_FILE, ModelDirectory.JSON));
        Map<Path, FileChannel> channels = new LinkedHashMap<>();
        try {
            // Check every shard the index names before opening any, in first-mention order: a refused
            // name (a pickle, a path out of the directory) stops the load before a file is touched.
            Map<String, Path> realShards = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                String shardName = e.getValue();
                if (!realShards.containsKey(shardName)) {
                    realShards.put(shardName, dir.require(shardName, ModelDirectory.SAFETENSORS,
                            why -> ModelFileException.of(index, e.getKey(), "is mapped to shard '" + shardName
                                    + "', which " + why)));
                }
            }
            Map<String, SafetensorsHeader> shards = new LinkedHashMap<>();
            for (Map.Entry<String, Path> shard : realShards.entrySet()) {
                shards.put(shard.getKey(), openFile(dir.shown(shard.getKey()), shard.getValue(), channels));
            }
            // Every mapped tensor must be where the index says.
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                if (!shards.get(e.getValue()).tensors().containsKey(e.getKey())) {
                    throw ModelFileException.of(index, e.getKey(), "is mapped to shard '" + e.getValue()
                            + "' but that shard has no such tensor");
                }
            }
            // Collect all tensors the shards hold; one name in two shards is ambiguous.
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            for (SafetensorsHeader header : shards.values()) {
                for (TensorInfo t : header.tensors().values()) {
                    TensorInfo previous = tensors.putIfAbsent(t.name(), t);
                    if (previous != null) {
                        throw ModelFileException.of(index, t.name(), "appears in two shards: "
                                + previous.file().getFileName() + " and " + t.file().getFileName());
                    }
                }
            }
            return new SafetensorsReader(index, tensors, channels);
        } catch (RuntimeException e) {
            closeAll(channels, e);
            throw e;
        }
    }

    /** Parses the index's {"weight_map": {tensor: shardFileName}}. */
    private static Map<String, String> readWeightMap(Path index, Path real) {
        JsonNode root;
        try (InputStream in = Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS)) {
            root = SafetensorsHeader.JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw ModelFileException.wrap(index, "not valid JSON", e);
        } catch (IOException e) {
            throw ModelFileException.wrap(index, "cannot read the shard index", e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw ModelFileException.of(index, "has no \"weight_map\" object");
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            if (!e.getValue().isTextual()) {
                throw ModelFileException.of(index, e.getKey(), "has a weight_map entry that is not a file name: "
                        + e.getValue());
            }
            weightMap.put(e.getKey(), e.getValue().asText());
        }
        return weightMap;
    }

    /**
     * Opens {@code real} (already checked by {@link ModelDirectory}; a link swapped in since is not
     * followed), registers its channel under {@code file} (so a later failure closes it) and reads its
     * header; messages and {@link TensorInfo#file()} name {@code file}.
     */
    private static SafetensorsHeader openFile(Path file, Path real, Map<Path, FileChannel> channels) {
        FileChannel channel;
        try {
            channel = FileChannel.open(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw ModelFileException.wrap(file, "cannot open", e);
        }
        channels.put(file, channel);
        try {
            return SafetensorsHeader.read(file, channel);
        } catch (IOException e) {
            throw ModelFileException.wrap(file, "cannot read the header", e);
        }
    }

    private static void closeAll(Map<Path, FileChannel> channels, Throwable primary) {
        for (FileChannel c : channels.values()) {
            try {
                c.close();
            } catch (IOException e) {
                primary.addSuppressed(e);
            }
        }
    }

    /** The file tensor-lookup errors name: {@code model.safetensors} or the shard index. */
    public Path source() {
        return source;
    }

    /** All tensor names (header order; shard by shard for a sharded checkpoint). */
    public Set<String> names() {
        return tensors.keySet();
    }

    public Optional<TensorInfo> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** @throws ModelFileException naming the checkpoint and the tensor if it is absent */
    public TensorInfo require(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw ModelFileException.of(source, name, "not found (the checkpoint has " + tensors.size()
                    + " tensors)");
        }
        return t;
    }

    /** The tensor's values widened to f32 (exact for all three dtypes), row-major. */
    public float[] readFloats(String name) {
        TensorInfo t = require(name);
        float[] out = new float[arrayLength(t)];
        int[] next = {0};
        forEachWindow(t, window -> {
            switch (t.dtype()) {
                case F32 -> {
                    int n = window.remaining() / 4;
                    window.asFloatBuffer().get(out, next[0], n);
                    next[0] += n;
                }
                case BF16 -> {
                    ShortBuffer s = window.asShortBuffer();
                    for (int i = 0, n = s.remaining(); i < n; i++) {
                        out[next[0]++] = Bf16Matrix.toFloat(s.get(i));
                    }
                }
                case F16 -> {
                    ShortBuffer s = window.asShortBuffer();
                    for (int i = 0, n = s.remaining(); i < n; i++) {
                        out[next[0]++] = Float16.toFloat(s.get(i));
                    }
                }
            }
        });
        return out;
    }

    /** The raw bf16 bit patterns of a BF16 tensor (no conversion), e.g. for {@link Bf16Matrix}. */
    public short[] readBf16Bits(String name) {
        TensorInfo t = require(name);
        if (t.dtype() != DType.BF16) {
            throw ModelFileException.of(t.file(), name, "is " + t.dtype() + ", not BF16");
        }
        short[] out = new short[arrayLength(t)];
        int[] next = {0};
        forEachWindow(t, window -> {
            int n = window.remaining() / 2;
            window.asShortBuffer().get(out, next[0], n);
            next[0] += n;
        });
        return out;
    }

    /** Java arrays hold at most 2^31-1 elements. */
    private static int arrayLength(TensorInfo t) {
        long n = t.elementCount();
        if (n > Integer.MAX_VALUE) {
            throw ModelFileException.of(t.file(), t.name(), "has " + n
                    + " elements, more than a Java array holds (2^31-1)");
        }
        return (int) n;
    }

    private interface WindowConsumer {
        void accept(MappedByteBuffer littleEndianWindow);
    }

    /** Maps the tensor's bytes window by window, in order, each window little-endian. */
    private void forEachWindow(TensorInfo t, WindowConsumer consumer) {
        if (closed) {
            throw new IllegalStateException("SafetensorsReader for " + source + " is closed");
        }
        FileChannel channel = channels.get(t.file());
        try {
            for (long done = 0; done < t.byteLength(); done += WINDOW_BYTES) {
                long size = Math.min(WINDOW_BYTES, t.byteLength() - done);
                MappedByteBuffer window = channel.map(FileChannel.MapMode.READ_ONLY, t.dataOffset() + done, size);
                window.order(ByteOrder.LITTLE_ENDIAN);
                consumer.accept(window);
            }
        } catch (IOException e) {
            throw ModelFileException.wrap(t.file(), "tensor '" + t.name() + "' cannot be read", e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ModelFileException failure = null;
        for (Map.Entry<Path, FileChannel> e : channels.entrySet()) {
            try {
                e.getValue().close();
            } catch (IOException ex) {
                if (failure == null) {
                    failure = ModelFileException.wrap(e.getKey(), "cannot close", ex);
                } else {
                    failure.addSuppressed(ex);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
