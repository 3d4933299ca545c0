package dev.plt.model.io.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.io.Float16;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's bytes, read back by {@link GgufReader}: header, metadata with types, tensor infos, alignment, data. */
class GgufWriterTest {
    @TempDir
    Path dir;

    @Test
    void headerMetadataAndTensorsReadBack() throws IOException {
        float[][] f32 = random(3, 5, 1); // 3 rows of 5: 60 bytes, so the next tensor needs padding
        float[][] f16 = random(1, 7, 2);
        float[][] bf16 = random(2, 3, 3);
        float[][] q8 = random(2, 64, 4);
        Path file = dir.resolve("m.gguf");
        long size = new GgufWriter()
                .putString("general.architecture", "llama")
                .putUInt32("llama.block_count", 4_000_000_000L)
                .putFloat32("llama.rope.freq_base", 10000.5f)
                .putBool("tokenizer.ggml.add_bos_token", true)
                .putStrings("tokenizer.ggml.tokens", List.of("a", "Ġb", "<|endoftext|>"))
                .putInt32s("tokenizer.ggml.token_type", new int[] {1, 1, -3})
                .addTensor("t.f32", new long[] {5, 3}, GgmlType.F32, rows(f32))
                .addTensor("t.f16", new long[] {7}, GgmlType.F16, rows(f16))
                .addTensor("t.bf16", new long[] {3, 2}, GgmlType.BF16, rows(bf16))
                .addTensor("t.q8", new long[] {64, 2}, GgmlType.Q8_0, rows(q8))
                .write(file);

        GgufReader gguf = new GgufReader(file);
        assertEquals(3, gguf.version);
        assertEquals(size, gguf.fileSize());
        assertEquals("llama", gguf.metadata.get("general.architecture"));
        assertEquals(8, gguf.valueTypes.get("general.architecture"));
        assertEquals(4_000_000_000L, gguf.metadata.get("llama.block_count"));
        assertEquals(4, gguf.valueTypes.get("llama.block_count"));
        assertEquals(10000.5f, gguf.metadata.get("llama.rope.freq_base"));
        assertEquals(6, gguf.valueTypes.get("llama.rope.freq_base"));
        assertEquals(true, gguf.metadata.get("tokenizer.ggml.add_bos_token"));
        assertEquals(7, gguf.valueTypes.get("tokenizer.ggml.add_bos_token"));
        assertEquals(List.of("a", "Ġb", "<|endoftext|>"), gguf.metadata.get("tokenizer.ggml.tokens"));
        assertEquals(List.of(1L, 1L, -3L), gguf.metadata.get("tokenizer.ggml.token_type"));
        assertEquals(List.of("t.f32", "t.f16", "t.bf16", "t.q8"), gguf.tensors.stream().map(GgufReader.TensorEntry::name).toList());

        assertEquals(0, gguf.dataStart % 32);
        long expectedOffset = 0;
        long[] bytes = {60, 14, 12, 2 * 2 * 34};
        for (int i = 0; i < 4; i++) {
            GgufReader.TensorEntry t = gguf.tensors.get(i);
            assertEquals(expectedOffset, t.offset(), t.name());
            expectedOffset = (expectedOffset + bytes[i] + 31) / 32 * 32;
        }
        assertEquals(gguf.dataStart + expectedOffset, size, "the file ends padded after the last tensor");

        GgufReader.TensorEntry t = gguf.tensor("t.f32");
        assertArrayEquals(new long[] {5, 3}, t.ne());
        assertEquals(0, t.type());
        ByteBuffer data = gguf.data(t, 60);
        for (float[] row : f32) {
            for (float v : row) {
                assertEquals(v, data.getFloat());
            }
        }
        t = gguf.tensor("t.f16");
        assertEquals(1, t.type());
        data = gguf.data(t, 14);
        for (float v : f16[0]) {
            assertEquals(Float16.toFloat(Float16.fromFloat(v)), Float16.toFloat(data.getShort()));
        }
        t = gguf.tensor("t.bf16");
        assertEquals(30, t.type());
        data = gguf.data(t, 12);
        for (float[] row : bf16) {
            for (float v : row) {
                assertEquals(v, Float.intBitsToFloat(data.getShort() << 16), Math.abs(v) / 128);
            }
        }
        t = gguf.tensor("t.q8");
        assertEquals(8, t.type());
        data = gguf.data(t, 136);
        for (float[] row : q8) {
            for (int b = 0; b < 64; b += 32) {
                short scale = data.getShort();
                for (int i = 0; i < 32; i++) {
                    float back = Q8Zero.dequantize(scale, data.get());
                    assertEquals(row[b + i], back, Float16.toFloat(scale) * 0.51 + 1e-3 * Math.abs(row[b + i]));
                }
            }
        }
    }

    @Test
    void aWrongRowLengthFailsAndLeavesNoFile() {
        Path file = dir.resolve("bad.gguf");
        GgufWriter writer = new GgufWriter().addTensor("x", new long[] {4, 2}, GgmlType.F32,
                sink -> sink.accept(new float[3]));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> writer.write(file));
        assertTrue(e.getMessage().contains("tensor x"), e.getMessage());
        assertFalse(Files.exists(file));
        assertFalse(Files.exists(dir.resolve("bad.gguf.partial")));
    }

    @Test
    void q8RowsMustHoldWholeBlocksAndKeysAreUnique() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GgufWriter().addTensor("x", new long[] {33, 1}, GgmlType.Q8_0, sink -> { }));
        assertTrue(e.getMessage().contains("multiple of 32"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GgufWriter().putBool("k", true).putBool("k", false));
        assertThrows(IllegalArgumentException.class, () -> new GgufWriter().putUInt32("k", -1));
    }

    @Test
    void typesParseByLlamaCppNamesAndRefuseOthersNamingTheOption() {
        assertEquals(GgmlType.Q8_0, GgmlType.parse("Q8_0", "--type"));
        assertEquals(GgmlType.BF16, GgmlType.parse("bf16", "--type"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GgmlType.parse("q4_0", "--type"));
        assertEquals("--type: unknown type 'q4_0' (use f32, f16, bf16 or q8_0)", e.getMessage());
    }

    private static float[][] random(int rows, int columns, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] out = new float[rows][columns];
        for (float[] row : out) {
            for (int i = 0; i < columns; i++) {
                row[i] = (float) random.nextGaussian();
            }
        }
        return out;
    }

    private static GgufWriter.Rows rows(float[][] values) {
        return sink -> {
            for (float[] row : values) {
                sink.accept(row);
            }
        };
    }
}
