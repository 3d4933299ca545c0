package dev.plt.model.io;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plt.model.tensor.Bf16Matrix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes safetensors files the way the Hugging Face library does: tensors in the map's iteration order,
 * packed back to back, and the JSON header padded with spaces to a multiple of 8 bytes so the data
 * section starts 8-byte aligned. The header carries {@code "__metadata__": {"format": "pt"}}, which
 * {@code transformers} expects when loading.
 *
 * <p>Each file is written to a temporary sibling and then moved into place, so a crash never leaves a
 * half-written checkpoint under the real name.
 */
public final class SafetensorsWriter {
    /** Elements converted per write call: bounds the staging buffer independent of tensor size. */
    private static final int CHUNK_ELEMENTS = 1 << 16;

    private SafetensorsWriter() {
    }

    /** Writes one safetensors file with the given tensors (iteration order is file order). */
    public static void write(Path file, Map<String, TensorData> tensors) {
        byte[] header = header(tensors);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                length.putLong(0, header.length);
                writeFully(out, length);
                writeFully(out, ByteBuffer.wrap(header));
                ByteBuffer staging = ByteBuffer.allocate(CHUNK_ELEMENTS * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (TensorData t : tensors.values()) {
                    writeValues(out, t, staging);
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw ModelFileException.wrap(file, "cannot write", e);
        }
    }

    /**
     * Writes {@code model-0000i-of-0000n.safetensors} shards plus {@code model.safetensors.index.json}
     * into {@code dir}. Tensors keep their order and are split into {@code shards} consecutive groups of
     * (nearly) equal tensor count.
     */
    public static void writeSharded(Path dir, Map<String, TensorData> tensors, int shards) {
        int n = tensors.size();
        if (shards < 1 || (n > 0 && shards > n)) {
            throw new IllegalArgumentException("cannot split " + n + " tensors into " + shards + " shards");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw ModelFileException.wrap(dir, "cannot create the directory", e);
        }
        List<Map.Entry<String, TensorData>> entries = new ArrayList<>(tensors.entrySet());
        ObjectNode index = SafetensorsHeader.JSON.createObjectNode();
        ObjectNode weightMap = SafetensorsHeader.JSON.createObjectNode();
        long totalSize = 0;
        for (int s = 0; s < shards; s++) {
            String shardName = String.format("model-%05d-of-%05d.safetensors", s + 1, shards);
            Map<String, TensorData> shard = new LinkedHashMap<>();
            for (int i = (int) ((long) s * n / shards); i < (int) ((long) (s + 1) * n / shards); i++) {
                Map.Entry<String, TensorData> e = entries.get(i);
                shard.put(e.getKey(), e.getValue());
                weightMap.put(e.getKey(), shardName);
                totalSize += e.getValue().byteLength();
            }
            write(dir.resolve(shardName), shard);
        }
        index.putObject("metadata").put("total_size", totalSize);
        index.set("weight_map", weightMap);
        Path indexFile = dir.resolve(SafetensorsReader.INDEX_FILE);
        try {
            SafetensorsHeader.JSON.writerWithDefaultPrettyPrinter().writeValue(indexFile.toFile(), index);
        } catch (IOException e) {
            throw ModelFileException.wrap(indexFile, "cannot write", e);
        }
    }

    /** The UTF-8 JSON header, space-padded to a multiple of 8 bytes. */
    static byte[] header(Map<String, TensorData> tensors) {
        ObjectNode root = SafetensorsHeader.JSON.createObjectNode();
        root.putObject(SafetensorsHeader.METADATA_KEY).put("format", "pt");
        long offset = 0;
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            if (SafetensorsHeader.METADATA_KEY.equals(e.getKey())) {
                throw new IllegalArgumentException(SafetensorsHeader.METADATA_KEY + " is not a valid tensor name");
            }
            TensorData t = e.getValue();
            ObjectNode entry = root.putObject(e.getKey());
            entry.put("dtype", t.dtype().name());
            ArrayNode shape = entry.putArray("shape");
            for (int d : t.shape()) {
                shape.add(d);
            }
            entry.putArray("data_offsets").add(offset).add(offset + t.byteLength());
            offset += t.byteLength();
        }
        byte[] json;
        try {
            json = SafetensorsHeader.JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize a safetensors header", e);
        }
        int padded = (json.length + 7) & ~7;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static void writeValues(FileChannel out, TensorData t, ByteBuffer staging) throws IOException {
        float[] v = t.values();
        for (int start = 0; start < v.length; start += CHUNK_ELEMENTS) {
            int end = Math.min(v.length, start + CHUNK_ELEMENTS);
            staging.clear();
            for (int i = start; i < end; i++) {
                switch (t.dtype()) {
                    case F32 -> staging.putFloat(v[i]);
                    case BF16 -> staging.putShort(Bf16Matrix.fromFloat(v[i]));
                    case F16 -> staging.putShort(Float16.fromFloat(v[i]));
                }
            }
            staging.flip();
            writeFully(out, staging);
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            out.write(src);
        }
    }
}
