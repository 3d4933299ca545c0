package dev.plt.model.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.plt.model.io.DType;
import dev.plt.model.io.SafetensorsReader;
import dev.plt.model.io.SafetensorsWriter;
import dev.plt.model.io.TensorData;
import dev.plt.model.io.TensorInfo;
import dev.plt.model.tokenizer.ByteLevelTokenizerJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes a complete model directory (config.json, model.safetensors, tokenizer.json) with seeded
 * random weights, for tests and benchmarks: no weights can be downloaded here. Weights are scaled
 * by 1/sqrt(fan-in) so activations stay O(1) through the layers, and gate weights are non-zero so
 * G-SWA's two branches are really mixed.
 */
public final class RandomCheckpoint {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Every knob of plt-spec section 5; {@link #small()} gives a tiny PLT-2 model to start from. */
    public record Spec(int hidden, int intermediate, int layers, int heads, int kvHeads, int headDim, int vocab,
            int loops, String loopMode, boolean kvShare, boolean gswa, boolean gateUsesHiddenStates, int window,
            double embScale, double hiddenScale, boolean normalizePerLoop, boolean attentionBias, boolean tied,
            DType dtype, long seed, int shards) {

        public static Spec small() {
            return new Spec(32, 64, 2, 4, 2, 8, 300, 2, "parallel", true, true, false, 3, 1.0, 1.0, false, false,
                    false, DType.F32, 1, 1);
        }

        public Spec withLoops(int n, String mode) {
            return new Spec(hidden, intermediate, layers, heads, kvHeads, headDim, vocab, n, mode, kvShare, gswa,
                    gateUsesHiddenStates, window, embScale, hiddenScale, normalizePerLoop, attentionBias, tied,
                    dtype, seed, shards);
        }

        public Spec withSharing(boolean share, boolean useGswa, boolean hiddenGate, int w) {
            return new Spec(hidden, intermediate, layers, heads, kvHeads, headDim, vocab, loops, loopMode, share,
                    useGswa, hiddenGate, w, embScale, hiddenScale, normalizePerLoop, attentionBias, tied, dtype, seed,
                    shards);
        }

        public Spec withScales(double emb, double carry, boolean perLoopNorm) {
            return new Spec(hidden, intermediate, layers, heads, kvHeads, headDim, vocab, loops, loopMode, kvShare,
                    gswa, gateUsesHiddenStates, window, emb, carry, perLoopNorm, attentionBias, tied, dtype, seed,
                    shards);
        }

        public Spec withShape(int newHidden, int newIntermediate, int newLayers, int newHeads, int newKvHeads,
                int newHeadDim, int newVocab) {
            return new Spec(newHidden, newIntermediate, newLayers, newHeads, newKvHeads, newHeadDim, newVocab, loops,
                    loopMode, kvShare, gswa, gateUsesHiddenStates, window, embScale, hiddenScale, normalizePerLoop,
                    attentionBias, tied, dtype, seed, shards);
        }

        public Spec withFormat(boolean bias, boolean tiedEmbeddings, DType type, long newSeed, int newShards) {
            return new Spec(hidden, intermediate, layers, heads, kvHeads, headDim, vocab, loops, loopMode, kvShare,
                    gswa, gateUsesHiddenStates, window, embScale, hiddenScale, normalizePerLoop, bias, tiedEmbeddings,
                    type, newSeed, newShards);
        }

        boolean needsGate() {
            return loops > 1 && loopMode.equals("parallel") && kvShare && gswa;
        }
    }

    private RandomCheckpoint() {
    }

    /**
     * Writes the model directory and returns it. The tokenizer (bytes, EOS, reserved ids up to vocab)
     * needs vocab >= 257; a smaller model gets none.
     */
    public static Path write(Path dir, Spec spec) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.json"), JSON.writeValueAsString(config(spec)));
            Map<String, TensorData> tensors = tensors(spec);
            if (spec.shards() > 1) {
                SafetensorsWriter.writeSharded(dir, tensors, spec.shards());
            } else {
                SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors);
            }
            if (spec.vocab() >= 257) {
                ByteLevelTokenizerJson.write(dir.resolve("tokenizer.json"), List.of(), specialTokens(spec.vocab()));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write random checkpoint to " + dir, e);
        }
    }

    /**
     * EOS (id 256), then reserved tokens up to {@code vocab - 1}, as Llama 3 reserves its unused ids: the
     * tokenizer spells every id the model can generate (decoding an id without a token fails the row),
     * and text, which never contains "&lt;|reserved_", encodes exactly as without them.
     */
    private static List<String> specialTokens(int vocab) {
        List<String> specials = new ArrayList<>(List.of("<|endoftext|>"));
        for (int id = 257; id < vocab; id++) {
            specials.add("<|reserved_" + (id - 257) + "|>");
        }
        return specials;
    }

    /**
     * Rewrites the single-file checkpoint of {@code dir} with element {@code index} of {@code tensor} set
     * to {@code value} (stored in the tensor's dtype): a NaN weight, or a huge finite one that makes the
     * activations overflow, for tests of damaged models.
     */
    public static void setValue(Path dir, String tensor, int index, float value) {
        Path file = dir.resolve(SafetensorsReader.SINGLE_FILE);
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            for (String name : reader.names()) {
                TensorInfo info = reader.require(name);
                float[] values = reader.readFloats(name);
                if (name.equals(tensor)) {
                    values[index] = value;
                }
                tensors.put(name, new TensorData(info.dtype(), info.shape(), values));
            }
        }
        if (!tensors.containsKey(tensor)) {
            throw new IllegalArgumentException(file + " has no tensor '" + tensor + "'");
        }
        SafetensorsWriter.write(file, tensors);
    }

    public static Map<String, Object> config(Spec spec) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architectures", List.of("LlamaForCausalLM"));
        c.put("model_type", "llama");
        c.put("hidden_size", spec.hidden());
        c.put("intermediate_size", spec.intermediate());
        c.put("num_hidden_layers", spec.layers());
        c.put("num_attention_heads", spec.heads());
        c.put("num_key_value_heads", spec.kvHeads());
        c.put("head_dim", spec.headDim());
        c.put("vocab_size", spec.vocab());
        c.put("rms_norm_eps", 1e-5);
        c.put("rope_theta", 10000.0);
        c.put("max_position_embeddings", 4096);
        c.put("hidden_act", "silu");
        c.put("tie_word_embeddings", spec.tied());
        c.put("attention_bias", spec.attentionBias());
        c.put("torch_dtype", spec.dtype() == DType.BF16 ? "bfloat16" : spec.dtype() == DType.F16 ? "float16"
                : "float32");
        c.put("eos_token_id", 256);
        if (spec.loops() > 1) {
            c.put("plt_num_loops", spec.loops());
            c.put("plt_loop_mode", spec.loopMode());
            c.put("plt_kv_share", spec.kvShare());
            c.put("plt_gswa", spec.gswa());
            c.put("plt_gate_use_hidden_states", spec.gateUsesHiddenStates());
            c.put("plt_window_size", List.of(spec.window(), 0));
            c.put("plt_emb_scale", spec.embScale());
            c.put("plt_hidden_scale", spec.hiddenScale());
            c.put("plt_normalize_per_loop", spec.normalizePerLoop());
        }
        return c;
    }

    private static Map<String, TensorData> tensors(Spec spec) {
        Random random = new Random(spec.seed());
        Map<String, TensorData> t = new LinkedHashMap<>();
        int d = spec.hidden();
        int q = spec.heads() * spec.headDim();
        int kv = spec.kvHeads() * spec.headDim();
        int ff = spec.intermediate();
        t.put("model.embed_tokens.weight", matrix(spec, random, spec.vocab(), d, 1.0));
        for (int i = 0; i < spec.layers(); i++) {
            String p = "model.layers." + i + ".";
            t.put(p + "input_layernorm.weight", norm(spec, random, d));
            t.put(p + "self_attn.q_proj.weight", matrix(spec, random, q, d, 1 / Math.sqrt(d)));
            t.put(p + "self_attn.k_proj.weight", matrix(spec, random, kv, d, 1 / Math.sqrt(d)));
            t.put(p + "self_attn.v_proj.weight", matrix(spec, random, kv, d, 1 / Math.sqrt(d)));
            if (spec.attentionBias()) {
                t.put(p + "self_attn.q_proj.bias", vector(spec, random, q, 0.1));
                t.put(p + "self_attn.k_proj.bias", vector(spec, random, kv, 0.1));
                t.put(p + "self_attn.v_proj.bias", vector(spec, random, kv, 0.1));
            }
            t.put(p + "self_attn.o_proj.weight", matrix(spec, random, d, q, 1 / Math.sqrt(q)));
            if (spec.needsGate()) {
                int gateIn = spec.gateUsesHiddenStates() ? d : spec.headDim();
                t.put(p + "self_attn.plt_gate.weight", matrix(spec, random, spec.heads(), gateIn, 1 / Math.sqrt(gateIn)));
                t.put(p + "self_attn.plt_gate.bias", vector(spec, random, spec.heads(), 0.5));
                if (spec.gateUsesHiddenStates()) {
                    t.put(p + "self_attn.plt_gate.gate_norm.weight", norm(spec, random, d));
                }
            }
            t.put(p + "post_attention_layernorm.weight", norm(spec, random, d));
            t.put(p + "mlp.gate_proj.weight", matrix(spec, random, ff, d, 1 / Math.sqrt(d)));
            t.put(p + "mlp.up_proj.weight", matrix(spec, random, ff, d, 1 / Math.sqrt(d)));
            t.put(p + "mlp.down_proj.weight", matrix(spec, random, d, ff, 1 / Math.sqrt(ff)));
        }
        t.put("model.norm.weight", norm(spec, random, d));
        if (!spec.tied()) {
            t.put("lm_head.weight", matrix(spec, random, spec.vocab(), d, 1 / Math.sqrt(d)));
        }
        return t;
    }

    private static TensorData matrix(Spec spec, Random random, int rows, int cols, double std) {
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
        return new TensorData(spec.dtype(), new int[] {rows, cols}, values);
    }

    private static TensorData vector(Spec spec, Random random, int n, double std) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
        return new TensorData(spec.dtype(), new int[] {n}, values);
    }

    private static TensorData norm(Spec spec, Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (1 + 0.1 * random.nextGaussian());
        }
        return new TensorData(spec.dtype(), new int[] {n}, values);
    }
}
