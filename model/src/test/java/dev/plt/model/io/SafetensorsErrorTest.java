package dev.plt.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsErrorTest {
    @TempDir
    Path dir;

    /** Opens {@code path} expecting failure; checks the message is one line and contains every fragment. */
    private static ModelFileException openFails(Path path, String... fragments) {
        ModelFileException e = assertThrows(ModelFileException.class, () -> SafetensorsReader.open(path).close());
        assertMessage(e, fragments);
        return e;
    }

    private static void assertMessage(ModelFileException e, String... fragments) {
        String m = e.getMessage();
        assertFalse(m.contains("\n"), () -> "multi-line message: " + m);
        for (String f : fragments) {
            assertTrue(m.contains(f), () -> "expected '" + f + "' in: " + m);
        }
    }

    private Path single() {
        return dir.resolve("model.safetensors");
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin
                + "," + end + "]}";
    }

    @Test
    void missingDirectoryNamesDirectoryAndBothFiles() {
        Path missing = dir.resolve("no-such-model");
        openFails(missing, missing.toString(), "does not exist", "model.safetensors", "model.safetensors.index.json");
    }

    @Test
    void emptyDirectoryNamesBothExpectedFiles() {
        openFails(dir, dir.toString(), "model.safetensors", "model.safetensors.index.json");
    }

    @Test
    void truncatedFileIsDetectedPerTensor() throws IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("model.embed_tokens.weight", TensorData.f32(new float[50], 5, 10));
        tensors.put("model.norm.weight", TensorData.f32(new float[100], 100));
        SafetensorsWriter.write(single(), tensors);
        byte[] bytes = Files.readAllBytes(single());
        Files.write(single(), Arrays.copyOf(bytes, bytes.length - 3));

        openFails(dir, single().toString(), "tensor 'model.norm.weight' data_offsets [200, 600]",
                "exceed the file's data section (597 bytes): file truncated?");
    }

    @Test
    void fileShorterThanLengthFieldIsRejected() throws IOException {
        Files.write(single(), new byte[] {1, 2, 3});
        openFails(dir, single().toString(), "is 3 bytes, too short");
    }

    @Test
    void headerLengthLargerThanFileIsRejected() throws IOException {
        byte[] json = "{}".getBytes(StandardCharsets.UTF_8);
        RawSafetensors.write(single(), 1000, json, new byte[0]);
        ModelFileException e = openFails(dir, single().toString(),
                "its header length field is out of range, larger than the file (10 bytes)");
        assertFalse(e.getMessage().contains("1000"), "the field's value is never printed: " + e.getMessage());

        // A u64 above 2^63 is negative as a Java long: just as out of range.
        RawSafetensors.write(single(), -1L, json, new byte[0]);
        e = openFails(dir, "its header length field is out of range");
        assertFalse(e.getMessage().contains("18446744073709551615"), e.getMessage());
    }

    @Test
    void headerLengthAbove100MbIsRejected() throws IOException {
        // Sparse file: the declared header fits in the file but exceeds the sanity limit.
        RawSafetensors.write(single(), 150_000_000L, "{}".getBytes(StandardCharsets.UTF_8), new byte[0]);
        try (RandomAccessFile f = new RandomAccessFile(single().toFile(), "rw")) {
            f.setLength(160_000_000L);
        }
        ModelFileException e = openFails(dir, single().toString(),
                "not a safetensors file: its header length field is out of range, above the 100000000-byte limit");
        assertFalse(e.getMessage().contains("150000000"), e.getMessage());
    }

    @Test
    void malformedJsonHeaderIsRejected() throws IOException {
        RawSafetensors.write(single(), "{\"a\": {\"dtype\": \"F32\", ", new byte[0]);
        openFails(dir, single().toString(), "header is not valid JSON");

        RawSafetensors.write(single(), "[1, 2]", new byte[0]);
        openFails(dir, single().toString(), "not a safetensors file: its header does not begin with '{'");

        String dup = "{" + entry("w", "F32", "[1]", 0, 4) + "," + entry("w", "F32", "[1]", 4, 8) + "}";
        RawSafetensors.write(single(), dup, new byte[8]);
        openFails(dir, single().toString(), "header is not valid JSON", "Duplicate field 'w'");
    }

    /** Little-endian u64 of a file's first 8 bytes: what the old message printed as "header length". */
    private static String lengthField(byte[] bytes) {
        return Long.toUnsignedString(ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
    }

    @Test
    void aFileThatIsNotSafetensorsIsRefusedWithoutEchoingItsBytes() throws IOException {
        byte[] text = "password=hunter2\napi_key=sk-0123456789\n".getBytes(StandardCharsets.UTF_8);
        Files.write(single(), text);
        ModelFileException e = openFails(dir, single().toString(), "not a safetensors file");
        for (String leaked : new String[] {lengthField(text), "hunter2", "sk-0123"}) {
            assertFalse(e.getMessage().contains(leaked), () -> "'" + leaked + "' leaked: " + e.getMessage());
        }

        // A small length field gets past the first check; the bytes after it are still not quoted.
        byte[] secret = "secret_token_abcdef, more".getBytes(StandardCharsets.UTF_8);
        RawSafetensors.write(single(), secret.length, secret, new byte[0]);
        ModelFileException notJson = openFails(dir, single().toString(),
                "not a safetensors file: its header does not begin with '{'");
        assertFalse(notJson.getMessage().contains("secret"), notJson.getMessage());
    }

    @Test
    void tensorsMustTileTheDataSectionExactly() throws IOException {
        // Overlap: b starts inside a, so the two would alias bytes.
        RawSafetensors.write(single(), "{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12)
                + "}", new byte[12]);
        openFails(dir, single().toString(), "tensors 'a' [0, 8] and 'b' [4, 12] overlap");

        // A gap between two tensors.
        RawSafetensors.write(single(), "{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12)
                + "}", new byte[12]);
        openFails(dir, single().toString(), "bytes [4, 8) of the data section belong to no tensor",
                "gap between tensors 'a' and 'b'");

        // The first tensor does not start the data section.
        RawSafetensors.write(single(), "{" + entry("a", "F32", "[1]", 4, 8) + "}", new byte[8]);
        openFails(dir, single().toString(), "bytes [0, 4) of the data section belong to no tensor",
                "the first tensor 'a' begins at 4");

        // Bytes after the last tensor.
        RawSafetensors.write(single(), "{" + entry("a", "F32", "[1]", 0, 4) + "}", new byte[6]);
        openFails(dir, single().toString(), "the data section is 6 bytes but its tensors cover 4",
                "the last, 'a', ends there");

        // Header order need not be offset order, and empty tensors take no bytes: this file is valid.
        RawSafetensors.write(single(), "{" + entry("b", "F32", "[1]", 4, 8) + "," + entry("empty", "F32", "[0]", 4, 4)
                + "," + entry("a", "F32", "[1]", 0, 4) + "}", RawSafetensors.littleEndianFloats(1, 2));
        try (SafetensorsReader r = SafetensorsReader.open(dir)) {
            assertEquals(2f, r.readFloats("b")[0]);
            assertEquals(0, r.readFloats("empty").length);
        }
    }

    @Test
    void byteLengthMustMatchShapeAndDtype() throws IOException {
        String header = "{" + entry("model.layers.0.self_attn.q_proj.weight", "F32", "[2,2]", 0, 12) + "}";
        RawSafetensors.write(single(), header, new byte[12]);
        openFails(dir, single().toString(), "tensor 'model.layers.0.self_attn.q_proj.weight'",
                "data_offsets [0, 12] hold 12 bytes but shape [2, 2] of F32 needs 16");
    }

    @Test
    void negativeDimensionAndBadOffsetsAreRejected() throws IOException {
        RawSafetensors.write(single(), "{" + entry("w", "F32", "[-1,4]", 0, 0) + "}", new byte[0]);
        openFails(dir, single().toString(), "tensor 'w' has invalid dimension -1");

        RawSafetensors.write(single(), "{" + entry("w", "F32", "[1]", 8, 4) + "}", new byte[8]);
        openFails(dir, "tensor 'w' has data_offsets [8,4] with end before begin");

        RawSafetensors.write(single(), "{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4]);
        openFails(dir, "tensor 'w' has no \"data_offsets\"");
    }

    @Test
    void unknownDtypesAreNamed() throws IOException {
        RawSafetensors.write(single(), "{" + entry("position_ids", "I64", "[2]", 0, 16) + "}", new byte[16]);
        openFails(dir, single().toString(), "tensor 'position_ids' has unsupported dtype 'I64'",
                "supported: F32, BF16, F16");

        RawSafetensors.write(single(), "{" + entry("w", "F64", "[1]", 0, 8) + "}", new byte[8]);
        openFails(dir, "unsupported dtype 'F64'");

        ModelFileException e = assertThrows(ModelFileException.class, () -> DType.parse("F8_E4M3"));
        assertMessage(e, "'F8_E4M3'");
        assertEquals(DType.BF16, DType.parse("BF16"));
        assertEquals(2, DType.F16.bytes());
        assertEquals(4, DType.F32.bytes());
    }

    @Test
    void missingTensorNamesFileAndTensor() {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("model.norm.weight", TensorData.f32(new float[] {1}, 1));
        SafetensorsWriter.write(single(), tensors);
        try (SafetensorsReader r = SafetensorsReader.open(dir)) {
            ModelFileException e = assertThrows(ModelFileException.class, () -> r.readFloats("lm_head.weight"));
            assertMessage(e, single().toString(), "tensor 'lm_head.weight' not found (the checkpoint has 1 tensors)");
        }
    }

    @Test
    void shardIndexErrorsNameIndexShardAndTensor() throws IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("a", TensorData.f32(new float[] {1}, 1));
        tensors.put("b", TensorData.f32(new float[] {2}, 1));
        SafetensorsWriter.writeSharded(dir, tensors, 2);
        Path index = dir.resolve("model.safetensors.index.json");

        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        openFails(dir, index.toString(), "tensor 'b' is mapped to shard 'model-00002-of-00002.safetensors', which does not exist");

        Files.writeString(index, "{\"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\","
                + " \"c\": \"model-00001-of-00002.safetensors\"}}");
        openFails(dir, index.toString(), "tensor 'c' is mapped to shard 'model-00001-of-00002.safetensors' but that"
                + " shard has no such tensor");

        Files.writeString(index, "{\"weight_map\": {\"a\": \"../elsewhere.safetensors\"}}");
        openFails(dir, "tensor 'a' is mapped to shard '../elsewhere.safetensors', which is not a file in the model directory");

        Files.writeString(index, "{\"weights\": {}}");
        openFails(dir, index.toString(), "has no \"weight_map\" object");

        Files.writeString(index, "{\"weight_map\": ");
        openFails(dir, index.toString(), "not valid JSON");
    }

    @Test
    void writerRejectsInconsistentTensors() {
        assertThrows(IllegalArgumentException.class, () -> TensorData.f32(new float[3], 2, 2));
        assertThrows(IllegalArgumentException.class, () -> TensorData.f32(new float[0], -1));
        Map<String, TensorData> bad = new LinkedHashMap<>();
        bad.put("__metadata__", TensorData.f32(new float[1], 1));
        assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(single(), bad));
        Map<String, TensorData> one = new LinkedHashMap<>();
        one.put("a", TensorData.f32(new float[1], 1));
        assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.writeSharded(dir, one, 2));
    }
}
