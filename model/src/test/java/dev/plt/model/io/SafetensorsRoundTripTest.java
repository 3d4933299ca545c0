package dev.plt.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.model.tensor.Bf16Matrix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {
    @TempDir
    Path dir;

    private static int[] rawBits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    @Test
    void f32RoundTripsBitExact() {
        float[] values = {0f, -0.0f, 1.5f, -3.25e-7f, Float.MIN_VALUE, Float.MAX_VALUE, Float.POSITIVE_INFINITY,
                Float.NaN, 123456.789f, (float) Math.PI, -1f, 42f};
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("model.layers.0.mlp.up_proj.weight", TensorData.f32(values, 3, 4));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors);

        try (SafetensorsReader r = SafetensorsReader.open(dir)) {
            TensorInfo t = r.require("model.layers.0.mlp.up_proj.weight");
            assertEquals(DType.F32, t.dtype());
            assertArrayEquals(new int[] {3, 4}, t.shape());
            assertEquals(12, t.elementCount());
            assertEquals(48, t.byteLength());
            assertEquals(dir.resolve("model.safetensors"), t.file());
            assertArrayEquals(rawBits(values), rawBits(r.readFloats(t.name())));
        }
    }

    @Test
    void bf16ExactValuesRoundTripAndRoundingIsNearestEven() {
        // Exactly representable in bf16 (8 significant bits): stored and read back unchanged.
        float[] exact = {1f, -2f, 0.5f, 3.140625f, -0.0f, 65536f, 1f / 128, 1.9921875f};
        // Rounding: 1 + 2^-8 is the tie between 1.0 (even) and 1 + 2^-7; 1 + 3*2^-8 ties up to 1 + 2^-6.
        float[] rounded = {1 + 0x1p-8f, 1 + 3 * 0x1p-8f, 1 + 0x1p-8f + 0x1p-20f, -(1 + 0x1p-8f + 0x1p-20f)};
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("exact", TensorData.bf16(exact, 2, 4));
        tensors.put("rounded", TensorData.bf16(rounded, 4));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors);

        try (SafetensorsReader r = SafetensorsReader.open(dir)) {
            assertEquals(DType.BF16, r.require("exact").dtype());
            assertEquals(16, r.require("exact").byteLength());
            assertArrayEquals(rawBits(exact), rawBits(r.readFloats("exact")));
            short[] exactBits = r.readBf16Bits("exact");
            assertEquals((short) 0x3F80, exactBits[0]);
            assertEquals((short) 0xC000, exactBits[1]);
            assertEquals((short) 0x8000, exactBits[4]);
            assertArrayEquals(new short[] {0x3F80, 0x3F82, 0x3F81, (short) 0xBF81}, r.readBf16Bits("rounded"));
            assertArrayEquals(new float[] {1f, 1 + 0x1p-6f, 1 + 0x1p-7f, -(1 + 0x1p-7f)}, r.readFloats("rounded"));
        }
    }

    @Test
    void f16ExactValuesRoundTripAndRoundingIsNearestEven() {
        float[] exact = {1f, -2f, 65504f, 0x1p-24f, 0x1p-14f, 0.333251953125f, -0.0f, 512.5f};
        float[] rounded = {1 + 0x1p-11f, 1 + 3 * 0x1p-11f, 65520f, 0x1p-25f};
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("exact", TensorData.f16(exact, 8));
        tensors.put("rounded", TensorData.f16(rounded, 2, 2));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors);

        try (SafetensorsReader r = SafetensorsReader.open(dir)) {
            assertEquals(DType.F16, r.require("exact").dtype());
            assertArrayEquals(rawBits(exact), rawBits(r.readFloats("exact")));
            assertArrayEquals(new float[] {1f, 1 + 0x1p-9f, Float.POSITIVE_INFINITY, 0f}, r.readFloats("rounded"));
        }
    }

    @Test
    void writerPadsHeaderToEightBytesWithMetadata() throws IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("b", TensorData.f32(new float[] {1, 2, 3}, 3));
        tensors.put("a", TensorData.bf16(new float[] {4}, 1));
        Path file = dir.resolve("x.safetensors");
        SafetensorsWriter.write(file, tensors);

        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, headerLength % 8);
        assertEquals(8 + headerLength + 12 + 2, bytes.length);
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        JsonNode json = new ObjectMapper().readTree(header);
        assertEquals("pt", json.get("__metadata__").get("format").asText());
        assertEquals("[0,12]", json.get("b").get("data_offsets").toString());
        assertEquals("[12,14]", json.get("a").get("data_offsets").toString());
        assertEquals("BF16", json.get("a").get("dtype").asText());
        assertTrue(header.strip().endsWith("}"), "padding is trailing spaces");
        assertEquals(List.of("b", "a"), readNames(file));
        assertTrue(Files.notExists(dir.resolve("x.safetensors.tmp")));
    }

    private static List<String> readNames(Path file) {
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            return List.copyOf(r.names());
        }
    }

    @Test
    void readsHandBuiltFileWithMetadataUnpaddedHeaderAndOutOfOrderOffsets() throws IOException {
        // Data: "w" F16 [2] at bytes 0..4, then "v" F32 [2,1] at 4..12, listed in the other order.
        String header = "{\"v\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[4,12]},"
                + "\"__metadata__\":{\"format\":\"pt\",\"note\":\"hand-made\"},"
                + "\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"s\":{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[12,14]},"
                + "\"z\":{\"dtype\":\"F32\",\"shape\":[0,5],\"data_offsets\":[14,14]}}";
        byte[] data = RawSafetensors.concat(RawSafetensors.littleEndianShorts(0x3C00, 0xC100),
                RawSafetensors.littleEndianFloats(7.5f, -0.25f), RawSafetensors.littleEndianShorts(0x4049));
        Path file = RawSafetensors.write(dir.resolve("model.safetensors"), header, data);

        try (SafetensorsReader r = SafetensorsReader.open(dir)) {
            assertEquals(List.of("v", "w", "s", "z"), List.copyOf(r.names()));
            assertArrayEquals(new float[] {7.5f, -0.25f}, r.readFloats("v"));
            assertArrayEquals(new float[] {1f, -2.5f}, r.readFloats("w"));
            assertArrayEquals(new float[] {3.140625f}, r.readFloats("s"), "a scalar has one element");
            assertEquals(0, r.require("s").rank());
            assertArrayEquals(new short[] {0x4049}, r.readBf16Bits("s"));
            assertEquals(0, r.readFloats("z").length);
            TensorInfo v = r.require("v");
            assertEquals(8 + header.length() + 4, v.dataOffset());
            assertEquals(file, v.file());
            assertTrue(r.find("missing").isEmpty());
        }
    }

    @Test
    void shardedCheckpointReadsEveryTensorFromItsShard() throws IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            float[] v = {i, i + 0.5f, -i};
            tensors.put("model.layers." + i + ".input_layernorm.weight",
                    i % 2 == 0 ? TensorData.f32(v, 3) : TensorData.bf16(v, 3));
        }
        SafetensorsWriter.writeSharded(dir, tensors, 3);

        for (int s = 1; s <= 3; s++) {
            assertTrue(Files.isRegularFile(dir.resolve("model-0000" + s + "-of-00003.safetensors")));
        }
        JsonNode index = new ObjectMapper().readTree(dir.resolve("model.safetensors.index.json").toFile());
        assertEquals(3 * 4 * 3 + 2 * 2 * 3, index.get("metadata").get("total_size").asLong());
        assertEquals("model-00001-of-00003.safetensors",
                index.get("weight_map").get("model.layers.0.input_layernorm.weight").asText());
        assertEquals("model-00003-of-00003.safetensors",
                index.get("weight_map").get("model.layers.4.input_layernorm.weight").asText());

        try (SafetensorsReader r = SafetensorsReader.open(dir)) {
            assertEquals(dir.resolve("model.safetensors.index.json"), r.source());
            assertEquals(List.copyOf(tensors.keySet()), List.copyOf(r.names()));
            for (int i = 0; i < 5; i++) {
                String name = "model.layers." + i + ".input_layernorm.weight";
                assertArrayEquals(new float[] {i, i + 0.5f, -i}, r.readFloats(name), name);
                assertEquals(i % 2 == 0 ? DType.F32 : DType.BF16, r.require(name).dtype());
            }
            assertEquals("model-00003-of-00003.safetensors",
                    r.require("model.layers.4.input_layernorm.weight").file().getFileName().toString());
        }
    }

    @Test
    void readBf16BitsRejectsOtherDtypesAndClosedReaderRejectsReads() {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("w", TensorData.f32(new float[] {1, 2}, 2));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors);
        SafetensorsReader r = SafetensorsReader.open(dir);
        ModelFileException e = assertThrows(ModelFileException.class, () -> r.readBf16Bits("w"));
        assertTrue(e.getMessage().contains("model.safetensors: tensor 'w' is F32, not BF16"), e.getMessage());
        r.close();
        assertThrows(IllegalStateException.class, () -> r.readFloats("w"));
        r.close(); // idempotent
    }

    @Test
    void bf16WriterUsesBf16MatrixRounding() {
        float[] v = {0.1f, -7.77f, 1e-30f, 3e38f};
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("w", TensorData.bf16(v, 4));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors);
        try (SafetensorsReader r = SafetensorsReader.open(dir)) {
            short[] bits = r.readBf16Bits("w");
            for (int i = 0; i < v.length; i++) {
                assertEquals(Bf16Matrix.fromFloat(v[i]), bits[i]);
            }
            assertEquals((short) 0x3DCD, bits[0], "0.1f = 0x3DCCCCCD rounds up");
        }
    }
}
