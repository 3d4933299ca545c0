package dev.plt.model.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed and validated header of one safetensors file. Layout: an 8-byte little-endian u64 header
 * length N, N bytes of UTF-8 JSON ({@code {name: {"dtype", "shape", "data_offsets": [begin, end]}}} plus
 * an optional {@code "__metadata__"} string map), then the data section; offsets are relative to its
 * start (byte 8 + N).
 */
final class SafetensorsHeader {
    /** Real headers are kilobytes to a few MB; a bigger length means a corrupt or foreign file. */
    static final long MAX_HEADER_BYTES = 100L * 1000 * 1000;

    static final String METADATA_KEY = "__metadata__";

    /** Duplicate tensor names in a header are ambiguous; make Jackson reject them instead of keeping the last. */
    static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsHeader(Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** Tensors in header order. */
    Map<String, TensorInfo> tensors() {
        return tensors;
    }

    Map<String, String> metadata() {
        return metadata;
    }

    /** Reads and validates the header of {@code file} through an open channel. */
    static SafetensorsHeader read(Path file, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 8) {
            throw ModelFileException.of(file, "is " + fileSize
                    + " bytes, too short for a safetensors file (no 8-byte header length): truncated?");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBytes, 0);
        long headerLength = lengthBytes.getLong(0);
        // The length field of a foreign file is 8 of its bytes: it is never printed, so a message cannot
        // leak what a file that is not a model holds. Unsigned compare: a u64 above 2^63 reads as negative.
        if (Long.compareUnsigned(headerLength, fileSize - 8) > 0) {
            throw ModelFileException.of(file, "not a safetensors file (or truncated): its header length field is"
                    + " out of range, larger than the file (" + fileSize + " bytes)");
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw ModelFileException.of(file, "not a safetensors file: its header length field is out of range,"
                    + " above the " + MAX_HEADER_BYTES + "-byte limit");
        }
        ByteBuffer json = ByteBuffer.allocate((int) headerLength);
        readFully(channel, json, 8);
        // The format requires the header to begin with '{'; checking it first keeps the JSON parser from
        // quoting the bytes of a file that is something else.
        if (headerLength == 0 || json.get(0) != '{') {
            throw ModelFileException.of(file, "not a safetensors file: its header does not begin with '{'");
        }
        long dataStart = 8 + headerLength;
        return parse(file, json.array(), dataStart, fileSize - dataStart);
    }

    private static SafetensorsHeader parse(Path file, byte[] json, long dataStart, long dataSize) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw ModelFileException.wrap(file, "header is not valid JSON", e);
        } catch (IOException e) {
            throw ModelFileException.wrap(file, "cannot parse the header", e);
        }
        if (root == null || !root.isObject()) {
            throw ModelFileException.of(file, "header is not a JSON object");
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (METADATA_KEY.equals(field.getKey())) {
                readMetadata(file, field.getValue(), metadata);
            } else {
                TensorInfo t = parseTensor(file, field.getKey(), field.getValue(), dataStart, dataSize);
                tensors.put(t.name(), t);
            }
        }
        requireContiguous(file, tensors.values(), dataStart, dataSize);
        return new SafetensorsHeader(tensors, metadata);
    }

    /**
     * The format requires the tensors' byte ranges to tile the data section: sorted by offset, the first
     * begins at 0, each begins where the previous ends, the last ends at the end of the file. Overlapping
     * tensors would alias each other's data, and a gap or a tail is bytes no header accounts for.
     */
    private static void requireContiguous(Path file, Collection<TensorInfo> tensors, long dataStart, long dataSize) {
        List<TensorInfo> sorted = new ArrayList<>(tensors);
        sorted.sort(Comparator.comparingLong(TensorInfo::dataOffset).thenComparingLong(TensorInfo::byteLength));
        long end = 0;
        TensorInfo previous = null;
        for (TensorInfo t : sorted) {
            long begin = t.dataOffset() - dataStart;
            if (begin < end) {
                throw ModelFileException.of(file, "tensors '" + previous.name() + "' " + range(previous, dataStart)
                        + " and '" + t.name() + "' " + range(t, dataStart) + " overlap");
            }
            if (begin > end) {
                throw ModelFileException.of(file, "bytes [" + end + ", " + begin + ") of the data section belong to"
                        + " no tensor: " + (previous == null ? "the first tensor '" + t.name() + "' begins at " + begin
                        : "gap between tensors '" + previous.name() + "' and '" + t.name() + "'"));
            }
            end = begin + t.byteLength();
            previous = t;
        }
        if (end != dataSize) {
            throw ModelFileException.of(file, "the data section is " + dataSize + " bytes but its tensors cover "
                    + end + (previous == null ? "" : " (the last, '" + previous.name() + "', ends there)")
                    + ": bytes after the last tensor belong to no tensor");
        }
    }

    private static String range(TensorInfo t, long dataStart) {
        long begin = t.dataOffset() - dataStart;
        return "[" + begin + ", " + (begin + t.byteLength()) + "]";
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> into) {
        if (!node.isObject()) {
            throw ModelFileException.of(file, "header's " + METADATA_KEY + " is not a JSON object");
        }
        node.properties().forEach(e -> into.put(e.getKey(), e.getValue().asText()));
    }

    private static TensorInfo parseTensor(Path file, String name, JsonNode node, long dataStart, long dataSize) {
        if (!node.isObject()) {
            throw ModelFileException.of(file, name, "header entry is not a JSON object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw ModelFileException.of(file, name, "has no \"dtype\" string");
        }
        DType dtype;
        try {
            dtype = DType.parse(dtypeNode.asText());
        } catch (ModelFileException e) {
            throw ModelFileException.of(file, name, "has " + e.getMessage());
        }
        int[] shape = parseShape(file, name, node.get("shape"));
        long[] offsets = parseOffsets(file, name, node.get("data_offsets"));
        String range = "data_offsets [" + offsets[0] + ", " + offsets[1] + "]";

        long expectedBytes;
        try {
            long elements = 1;
            for (int d : shape) {
                elements = Math.multiplyExact(elements, d);
            }
            expectedBytes = Math.multiplyExact(elements, dtype.bytes());
        } catch (ArithmeticException e) {
            throw ModelFileException.of(file, name, "shape " + Arrays.toString(shape) + " is too large");
        }
        long actualBytes = offsets[1] - offsets[0];
        if (actualBytes != expectedBytes) {
            throw ModelFileException.of(file, name, range + " hold " + actualBytes + " bytes but shape "
                    + Arrays.toString(shape) + " of " + dtype + " needs " + expectedBytes);
        }
        if (offsets[1] > dataSize) {
            throw ModelFileException.of(file, name, range + " exceed the file's data section (" + dataSize
                    + " bytes): file truncated?");
        }
        return new TensorInfo(name, dtype, shape, file, dataStart + offsets[0], actualBytes);
    }

    private static int[] parseShape(Path file, String name, JsonNode node) {
        if (node == null || !node.isArray()) {
            throw ModelFileException.of(file, name, "has no \"shape\" array");
        }
        int[] shape = new int[node.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = node.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0) {
                throw ModelFileException.of(file, name, "has invalid dimension " + d + " in shape " + node
                        + " (dimensions must be integers in [0, 2^31-1])");
            }
            shape[i] = d.intValue();
        }
        return shape;
    }

    private static long[] parseOffsets(Path file, String name, JsonNode node) {
        if (node == null || !node.isArray() || node.size() != 2) {
            throw ModelFileException.of(file, name, "has no \"data_offsets\" [begin, end] pair");
        }
        long[] offsets = new long[2];
        for (int i = 0; i < 2; i++) {
            JsonNode o = node.get(i);
            if (!o.isIntegralNumber() || !o.canConvertToLong() || o.longValue() < 0) {
                throw ModelFileException.of(file, name, "has invalid data_offsets " + node);
            }
            offsets[i] = o.longValue();
        }
        if (offsets[1] < offsets[0]) {
            throw ModelFileException.of(file, name, "has data_offsets " + node + " with end before begin");
        }
        return offsets;
    }

    static void readFully(FileChannel channel, ByteBuffer dst, long position) throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, pos);
            if (n < 0) {
                throw new EOFException("unexpected end of file at byte " + pos);
            }
            pos += n;
        }
    }
}
