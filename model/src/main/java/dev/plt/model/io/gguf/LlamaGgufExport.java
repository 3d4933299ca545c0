package dev.plt.model.io.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.model.config.ConfigLoader;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.io.ModelDirectory;
import dev.plt.model.io.SafetensorsReader;
import dev.plt.model.io.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A non-loop checkpoint (plt-spec section 5) as a GGUF file of llama.cpp's {@code llama} architecture: the
 * hyper-parameters under {@code llama.*}, the tokenizer under {@code tokenizer.ggml.*}, and the tensors under
 * llama.cpp's names ({@code blk.N.attn_q.weight}, ...), matrices in the chosen type, norms and biases in f32
 * (llama.cpp keeps 1-D tensors in f32 too), query and key rows reordered for llama.cpp's RoPE ({@link RopeRows}).
 * A PLT or looped model is refused: llama.cpp has no cross-loop attention, so it would compute another model.
 */
public final class LlamaGgufExport {
    /** What was written: the file, its size, and the matrices kept in f16 because Q8_0 could not hold them. */
    public record Result(Path file, long bytes, int tensors, List<String> f16Fallbacks) {
    }

    private LlamaGgufExport() {
    }

    /** general.file_type of llama.cpp's llama_ftype for the matrices' type. */
    static int fileType(GgmlType type) {
        return switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q8_0 -> 7;
            case BF16 -> 32;
        };
    }

    public static Result export(Path modelDir, GgmlType type, Path out) throws IOException {
        ModelConfig config = ConfigLoader.load(modelDir);
        if (config.numLoops() > 1) {
            throw new IllegalArgumentException("--model " + modelDir + ": a " + config.familyName()
                    + " model (plt_num_loops = " + config.numLoops() + ") cannot be exported: llama.cpp runs plain "
                    + "decoders only; give a non-loop checkpoint (plt_num_loops = 1)");
        }
        ModelDirectory dir = ModelDirectory.of(modelDir);
        Path tokenizer = dir.require(ModelDirectory.TOKENIZER, ModelDirectory.JSON);
        GgufVocab vocab = GgufVocab.read(tokenizer, config.vocabSize());
        JsonNode rawConfig = new ObjectMapper().readTree(dir.require(ModelDirectory.CONFIG, ModelDirectory.JSON).toFile());

        GgufWriter gguf = new GgufWriter();
        String name = modelDir.toAbsolutePath().normalize().getFileName().toString();
        gguf.putString("general.architecture", "llama")
                .putString("general.name", name)
                .putUInt32("general.file_type", fileType(type))
                .putUInt32("llama.vocab_size", config.vocabSize())
                .putUInt32("llama.context_length", config.maxPositionEmbeddings())
                .putUInt32("llama.embedding_length", config.hiddenSize())
                .putUInt32("llama.block_count", config.numLayers())
                .putUInt32("llama.feed_forward_length", config.intermediateSize())
                .putUInt32("llama.attention.head_count", config.numHeads())
                .putUInt32("llama.attention.head_count_kv", config.numKvHeads())
                .putUInt32("llama.attention.key_length", config.headDim())
                .putUInt32("llama.attention.value_length", config.headDim())
                .putUInt32("llama.rope.dimension_count", config.headDim())
                .putFloat32("llama.rope.freq_base", (float) config.ropeTheta())
                .putFloat32("llama.attention.layer_norm_rms_epsilon", config.rmsNormEps());
        // The vocabulary: byte-level BPE is llama.cpp's "gpt2" model; the pre-tokenizer of a ByteLevel
        // tokenizer with use_regex is GPT-2's. Token ids are what matter for the checks; text is never fed.
        int eos = rawConfig.path("eos_token_id").isInt() ? rawConfig.get("eos_token_id").asInt()
                : vocab.eos().orElse(config.vocabSize() - 1);
        gguf.putString("tokenizer.ggml.model", "gpt2")
                .putString("tokenizer.ggml.pre", "gpt-2")
                .putStrings("tokenizer.ggml.tokens", vocab.tokens())
                .putInt32s("tokenizer.ggml.token_type", vocab.types())
                .putStrings("tokenizer.ggml.merges", vocab.merges())
                .putUInt32("tokenizer.ggml.eos_token_id", eos)
                .putUInt32("tokenizer.ggml.bos_token_id", eos)
                .putBool("tokenizer.ggml.add_bos_token", false)
                .putBool("tokenizer.ggml.add_eos_token", false);

        List<String> fallbacks = new ArrayList<>();
        try (SafetensorsReader weights = SafetensorsReader.open(modelDir)) {
            matrix(gguf, weights, "model.embed_tokens.weight", "token_embd.weight", type, fallbacks);
            for (int i = 0; i < config.numLayers(); i++) {
                String hf = "model.layers." + i + ".";
                String blk = "blk." + i + ".";
                vector(gguf, weights, hf + "input_layernorm.weight", blk + "attn_norm.weight");
                rope(gguf, weights, hf + "self_attn.q_proj", blk + "attn_q", config.numHeads(), config, type, fallbacks);
                rope(gguf, weights, hf + "self_attn.k_proj", blk + "attn_k", config.numKvHeads(), config, type, fallbacks);
                matrix(gguf, weights, hf + "self_attn.v_proj.weight", blk + "attn_v.weight", type, fallbacks);
                if (config.attentionBias()) {
                    vector(gguf, weights, hf + "self_attn.v_proj.bias", blk + "attn_v.bias");
                }
                matrix(gguf, weights, hf + "self_attn.o_proj.weight", blk + "attn_output.weight", type, fallbacks);
                vector(gguf, weights, hf + "post_attention_layernorm.weight", blk + "ffn_norm.weight");
                matrix(gguf, weights, hf + "mlp.gate_proj.weight", blk + "ffn_gate.weight", type, fallbacks);
                matrix(gguf, weights, hf + "mlp.up_proj.weight", blk + "ffn_up.weight", type, fallbacks);
                matrix(gguf, weights, hf + "mlp.down_proj.weight", blk + "ffn_down.weight", type, fallbacks);
            }
            vector(gguf, weights, "model.norm.weight", "output_norm.weight");
            // Tied: no output.weight, and llama.cpp's llama architecture reuses token_embd (as the spec does).
            if (!config.tieWordEmbeddings()) {
                matrix(gguf, weights, "lm_head.weight", "output.weight", type, fallbacks);
            }
            Files.createDirectories(out.toAbsolutePath().getParent());
            long bytes = gguf.write(out);
            return new Result(out, bytes, gguf.tensorCount(), List.copyOf(fallbacks));
        }
    }

    /** A 2-D weight as it is stored ({@code [out, in]} row-major is GGUF's {@code ne = {in, out}}). */
    private static void matrix(GgufWriter gguf, SafetensorsReader weights, String from, String to, GgmlType type,
            List<String> fallbacks) {
        TensorInfo info = weights.require(from);
        add(gguf, to, info.dim(0), info.dim(1), chosen(type, info.dim(1), to, fallbacks), () -> weights.readFloats(from));
    }

    /** Q or K projection: rows reordered for llama.cpp's RoPE; the bias (if any) reordered the same way. */
    private static void rope(GgufWriter gguf, SafetensorsReader weights, String from, String to, int heads,
            ModelConfig config, GgmlType type, List<String> fallbacks) {
        TensorInfo info = weights.require(from + ".weight");
        int columns = info.dim(1);
        add(gguf, to + ".weight", info.dim(0), columns, chosen(type, columns, to + ".weight", fallbacks),
                () -> RopeRows.toInterleaved(weights.readFloats(from + ".weight"), heads, config.headDim(), columns));
        if (config.attentionBias()) {
            int length = weights.require(from + ".bias").dim(0);
            add(gguf, to + ".bias", 1, length, GgmlType.F32,
                    () -> RopeRows.toInterleaved(weights.readFloats(from + ".bias"), heads, config.headDim(), 1));
        }
    }

    /** A 1-D tensor (norm weight, bias), always f32. */
    private static void vector(GgufWriter gguf, SafetensorsReader weights, String from, String to) {
        int length = weights.require(from).dim(0);
        add(gguf, to, 1, length, GgmlType.F32, () -> weights.readFloats(from));
    }

    /** Q8_0 needs whole blocks of 32 in a row; a matrix whose rows do not divide falls back to f16. */
    private static GgmlType chosen(GgmlType type, int rowLength, String name, List<String> fallbacks) {
        if (type == GgmlType.Q8_0 && rowLength % Q8Zero.BLOCK != 0) {
            fallbacks.add(name);
            return GgmlType.F16;
        }
        return type;
    }

    /** {@code rows} rows of {@code columns} values (a 1-D tensor is one row); read only when the file is written. */
    private static void add(GgufWriter gguf, String name, int rows, int columns, GgmlType type,
            java.util.function.Supplier<float[]> values) {
        long[] ne = rows == 1 ? new long[] {columns} : new long[] {columns, rows};
        gguf.addTensor(name, ne, type, sink -> {
            float[] all = values.get();
            for (int r = 0; r < rows; r++) {
                sink.accept(java.util.Arrays.copyOfRange(all, r * columns, (r + 1) * columns));
            }
        });
    }
}
