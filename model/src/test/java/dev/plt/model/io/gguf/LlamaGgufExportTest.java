package dev.plt.model.io.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.io.DType;
import dev.plt.model.io.SafetensorsReader;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A random non-loop checkpoint exported and read back: llama.cpp's keys, names, shapes, row order and values. */
class LlamaGgufExportTest {
    @TempDir
    Path dir;

    private static RandomCheckpoint.Spec nonLoop() {
        return RandomCheckpoint.Spec.small().withShape(64, 96, 2, 4, 2, 16, 300).withLoops(1, "parallel");
    }

    @Test
    void f32ExportHoldsLlamaMetadataVocabAndExactTensors() throws IOException {
        Path model = RandomCheckpoint.write(dir.resolve("m"), nonLoop().withFormat(true, false, DType.BF16, 5, 1));
        LlamaGgufExport.Result result = LlamaGgufExport.export(model, GgmlType.F32, dir.resolve("m.gguf"));
        GgufReader gguf = new GgufReader(result.file());
        assertEquals("llama", gguf.metadata.get("general.architecture"));
        assertEquals(0L, gguf.metadata.get("general.file_type"));
        assertEquals(64L, gguf.metadata.get("llama.embedding_length"));
        assertEquals(2L, gguf.metadata.get("llama.block_count"));
        assertEquals(96L, gguf.metadata.get("llama.feed_forward_length"));
        assertEquals(4L, gguf.metadata.get("llama.attention.head_count"));
        assertEquals(2L, gguf.metadata.get("llama.attention.head_count_kv"));
        assertEquals(16L, gguf.metadata.get("llama.rope.dimension_count"));
        assertEquals("gpt2", gguf.metadata.get("tokenizer.ggml.model"));
        List<?> tokens = (List<?>) gguf.metadata.get("tokenizer.ggml.tokens");
        assertEquals(300, tokens.size());
        assertEquals("Ġ", tokens.get(32), "bytes in the byte-level alphabet: 0x20 is Ġ");
        assertEquals("<|endoftext|>", tokens.get(256));
        assertEquals(3L, ((List<?>) gguf.metadata.get("tokenizer.ggml.token_type")).get(256), "EOS is a control token");
        assertEquals(List.of(), gguf.metadata.get("tokenizer.ggml.merges"));
        assertEquals(256L, gguf.metadata.get("tokenizer.ggml.eos_token_id"));
        // 2 + 9 per layer + 3 biases per layer + output
        assertEquals(2 + 12 * 2 + 1, gguf.tensors.size());
        assertEquals(result.tensors(), gguf.tensors.size());

        try (SafetensorsReader weights = SafetensorsReader.open(model)) {
            GgufReader.TensorEntry embd = gguf.tensor("token_embd.weight");
            assertArrayEquals(new long[] {64, 300}, embd.ne());
            assertArrayEquals(weights.readFloats("model.embed_tokens.weight"), floats(gguf, embd));
            assertArrayEquals(weights.readFloats("model.layers.1.mlp.down_proj.weight"),
                    floats(gguf, gguf.tensor("blk.1.ffn_down.weight")));
            assertArrayEquals(new long[] {96, 64}, gguf.tensor("blk.1.ffn_down.weight").ne());
            float[] q = weights.readFloats("model.layers.0.self_attn.q_proj.weight");
            assertArrayEquals(RopeRows.toInterleaved(q, 4, 16, 64), floats(gguf, gguf.tensor("blk.0.attn_q.weight")));
            float[] kBias = weights.readFloats("model.layers.0.self_attn.k_proj.bias");
            assertArrayEquals(RopeRows.toInterleaved(kBias, 2, 16, 1), floats(gguf, gguf.tensor("blk.0.attn_k.bias")));
            assertArrayEquals(weights.readFloats("model.layers.0.self_attn.v_proj.bias"),
                    floats(gguf, gguf.tensor("blk.0.attn_v.bias")));
            assertArrayEquals(weights.readFloats("lm_head.weight"), floats(gguf, gguf.tensor("output.weight")));
        }
    }

    @Test
    void q8ExportQuantisesMatricesKeepsNormsInF32AndFallsBackWhereRowsDoNotDivide() throws IOException {
        // intermediate 80: ffn_down's rows have 80 values, not a multiple of 32, so it is written in f16
        Path model = RandomCheckpoint.write(dir.resolve("q"),
                RandomCheckpoint.Spec.small().withShape(64, 80, 1, 4, 2, 16, 300).withLoops(1, "parallel")
                        .withFormat(false, true, DType.F32, 9, 1));
        LlamaGgufExport.Result result = LlamaGgufExport.export(model, GgmlType.Q8_0, dir.resolve("q.gguf"));
        GgufReader gguf = new GgufReader(result.file());
        assertEquals(7L, gguf.metadata.get("general.file_type"));
        assertEquals(8, gguf.tensor("blk.0.ffn_up.weight").type());
        assertEquals(0, gguf.tensor("blk.0.attn_norm.weight").type());
        assertEquals(1, gguf.tensor("blk.0.ffn_down.weight").type());
        assertEquals(List.of("blk.0.ffn_down.weight"), result.f16Fallbacks());
        assertFalse(gguf.tensors.stream().anyMatch(t -> t.name().equals("output.weight")), "tied: no output.weight");
    }

    @Test
    void aLoopModelIsRefusedNamingTheOption() {
        Path model = RandomCheckpoint.write(dir.resolve("plt"), RandomCheckpoint.Spec.small().withShape(64, 96, 1, 4, 2, 16, 300));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LlamaGgufExport.export(model, GgmlType.F32, dir.resolve("plt.gguf")));
        assertTrue(e.getMessage().startsWith("--model ") && e.getMessage().contains("plt_num_loops = 2"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("plt.gguf")));
    }

    private static float[] floats(GgufReader gguf, GgufReader.TensorEntry t) {
        long n = 1;
        for (long d : t.ne()) {
            n *= d;
        }
        ByteBuffer data = gguf.data(t, 4 * n);
        float[] out = new float[(int) n];
        for (int i = 0; i < n; i++) {
            out[i] = data.getFloat();
        }
        return out;
    }
}
