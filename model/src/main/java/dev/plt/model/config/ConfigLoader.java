package dev.plt.model.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.model.io.ModelDirectory;
import dev.plt.model.io.ModelFileException;
import dev.plt.model.kernels.Kernels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;

/**
 * Reads a Hugging Face style {@code config.json} (Llama / Qwen2 keys plus the {@code plt_*} keys of
 * LoopCoder-V2) into a {@link ModelConfig}. Keys that would change the maths but are not implemented
 * are errors, never silently ignored (plt-spec section 8); keys that do not affect the forward pass
 * ({@code architectures}, token ids, ...) are ignored.
 */
public final class ConfigLoader {
    /** Duplicate keys are ambiguous (which one counts?); Jackson would silently keep the last. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private static final int MAX = Integer.MAX_VALUE;

    private static final Set<String> PLT_KEYS = Set.of(
            "plt_num_loops", "plt_loop_mode", "plt_kv_share", "plt_gswa", "plt_gate_use_hidden_states",
            "plt_window_size", "plt_emb_scale", "plt_hidden_scale", "plt_normalize_per_loop");

    private final String source;
    private final JsonNode root;

    private ConfigLoader(String source, JsonNode root) {
        this.source = source;
        this.root = root;
    }

    /** Reads {@code dir/config.json}, checked by {@link ModelDirectory} before it is opened. */
    public static ModelConfig load(Path modelDir) {
        Path file = modelDir.resolve(ModelDirectory.CONFIG);
        String text;
        try {
            // Not followed: a dangling or escaping link is refused below, with its reason.
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new ConfigException(file + ": not found (a model directory needs config.json)");
            }
            Path real = ModelDirectory.of(modelDir).require(ModelDirectory.CONFIG, ModelDirectory.JSON);
            try (InputStream in = Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (ModelFileException e) {
            throw new ConfigException(e.getMessage(), e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(file.toString(), text);
    }

    /** Parses config text; {@code source} names it in error messages. */
    public static ModelConfig parse(String source, String jsonText) {
        JsonNode root;
        try {
            root = JSON.readTree(jsonText);
        } catch (IOException e) {
            throw new ConfigException(source + ": not valid JSON: " + firstLine(e.getMessage()), e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(source + ": expected a JSON object");
        }
        return new ConfigLoader(source, root).build();
    }

    /**
     * Every size is an integer in a range that makes sense, checked here where the key can be named:
     * a value that does not fit an int is refused (never wrapped), and sizes are bounded so that the
     * arrays the engine derives from them (a weight matrix, a sequence's KV cache, the attention
     * scratch of the longest sequence) fit a Java array, instead of every row failing later.
     */
    private ModelConfig build() {
        rejectUnimplementedMath();
        String modelType = string("model_type", "llama");
        int hidden = requiredInt("hidden_size", 1, MAX, "");
        int heads = requiredInt("num_attention_heads", 1, MAX, "");
        if (hidden % heads != 0 && !root.hasNonNull("head_dim")) {
            throw error("head_dim", "absent and hidden_size " + hidden + " is not divisible by num_attention_heads "
                    + heads);
        }
        int loops = integer("plt_num_loops", 1, 1, MAX / heads,
                " (num_attention_heads x plt_num_loops must fit an int)");
        LoopMode mode = loopMode(loops);
        // Every value is read (and its errors, which name the key, thrown) before the record checks
        // the combination; only the record's own messages lack the source and get it here.
        int intermediate = requiredInt("intermediate_size", 1, MAX / hidden,
                " (an MLP matrix of intermediate_size x hidden_size must fit a Java array)");
        int layers = requiredInt("num_hidden_layers", 1, MAX, "");
        int kvHeads = integer("num_key_value_heads", heads, 1, heads, " (num_attention_heads)");
        int headDim = integer("head_dim", hidden / heads, 1, MAX / heads,
                " (num_attention_heads x head_dim must fit an int)");
        int vocab = requiredInt("vocab_size", 1, MAX / hidden,
                " (the embedding of vocab_size x hidden_size must fit a Java array)");
        float eps = (float) number("rms_norm_eps", 1e-6);
        double ropeTheta = number("rope_theta", 10000.0);
        // A sequence's keys ([positions][kv heads x head_dim]) and its attention scores ([heads x loops]
        // [positions]) are single arrays, rounded up to a key block.
        int widest = Math.max(kvHeads * headDim, heads * loops);
        int maxPositions = integer("max_position_embeddings", 4096, 1, MAX / widest - Kernels.KEY_BLOCK,
                " (the KV cache of a longest sequence must fit a Java array)");
        boolean tied = bool("tie_word_embeddings", false);
        boolean bias = bool("attention_bias", "qwen2".equals(modelType));
        String dtype = string("torch_dtype", "float32");
        boolean kvShare = bool("plt_kv_share", true);
        boolean gswa = bool("plt_gswa", true);
        GateInput gate = bool("plt_gate_use_hidden_states", false) ? GateInput.HIDDEN_STATES : GateInput.QUERY;
        int window = windowSize(maxPositions);
        float embScale = (float) number("plt_emb_scale", 1.0);
        float hiddenScale = (float) number("plt_hidden_scale", 1.0);
        boolean perLoopNorm = bool("plt_normalize_per_loop", false);
        try {
            return new ModelConfig(modelType, hidden, intermediate, layers, heads, kvHeads, headDim, vocab, eps,
                    ropeTheta, maxPositions, tied, bias, dtype, loops, mode, kvShare, gswa, gate, window, embScale,
                    hiddenScale, perLoopNorm);
        } catch (ConfigException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
    }

    /** plt-spec section 8: these keys change the maths and this engine does not implement them. */
    private void rejectUnimplementedMath() {
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (key.startsWith("plt_") && !PLT_KEYS.contains(key)) {
                throw error(key, "unknown plt_* key; it may change the maths, so it is not ignored");
            }
        }
        if (root.hasNonNull("rope_scaling")) {
            throw error("rope_scaling", "is " + root.get("rope_scaling") + "; RoPE scaling is not implemented");
        }
        String act = string("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw error("hidden_act", "is '" + act + "'; only 'silu' (SwiGLU) is implemented");
        }
        if (bool("mlp_bias", false)) {
            throw error("mlp_bias", "is true; MLP biases are not implemented");
        }
        if (bool("use_sliding_window", false)) {
            throw error("use_sliding_window", "is true; sliding-window attention for loop 1 is not implemented");
        }
        if (root.hasNonNull("partial_rotary_factor") && number("partial_rotary_factor", 1.0) != 1.0) {
            throw error("partial_rotary_factor", "is " + root.get("partial_rotary_factor")
                    + "; only full rotary (1.0) is implemented");
        }
    }

    private LoopMode loopMode(int loops) {
        String mode = string("plt_loop_mode", "parallel");
        LoopMode parsed = switch (mode) {
            case "parallel" -> LoopMode.PARALLEL;
            case "serial" -> LoopMode.SERIAL;
            default -> throw error("plt_loop_mode", "is '" + mode + "'; expected 'parallel' or 'serial'");
        };
        return loops == 1 ? LoopMode.NONE : parsed;
    }

    /**
     * w of {@code [w, 0]}. A window of max_position_embeddings already holds every key a sequence can
     * have, so a larger one means nothing but ring buffers too large to allocate.
     */
    private int windowSize(int maxPositions) {
        JsonNode node = root.get("plt_window_size");
        if (node == null || node.isNull()) {
            return 64; // the spec's default: small, so it needs no bound
        }
        if (!node.isArray() || node.size() != 2 || !inRange(node.get(0), 0, maxPositions)
                || !inRange(node.get(1), 0, 0)) {
            throw error("plt_window_size", "is " + node + "; expected a list [w, 0] with w an integer in [0, "
                    + maxPositions + "] (max_position_embeddings)");
        }
        return node.get(0).intValue();
    }

    private int requiredInt(String key, int min, int max, String why) {
        if (!root.hasNonNull(key)) {
            throw error(key, "is required");
        }
        return integer(key, 0, min, max, why);
    }

    /** An integer in [min, max]; {@code why} explains a bound that is not obvious. */
    private int integer(String key, int fallback, int min, int max, String why) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!inRange(node, min, max)) {
            throw error(key, "must be an integer in [" + min + ", " + max + "]" + why + ", got " + node);
        }
        return node.intValue();
    }

    /** An integral JSON number (not 1.5, "12" or true) in [min, max]; never wraps a value beyond an int. */
    private static boolean inRange(JsonNode node, int min, int max) {
        return node.isIntegralNumber() && node.canConvertToInt() && node.intValue() >= min && node.intValue() <= max;
    }

    private double number(String key, double fallback) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        // 1e999 parses as an infinite double: as unusable as a string here.
        if (!node.isNumber() || !Double.isFinite(node.asDouble())) {
            throw error(key, "must be a finite number, got " + node);
        }
        return node.asDouble();
    }

    private boolean bool(String key, boolean fallback) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw error(key, "must be true or false, got " + node);
        }
        return node.asBoolean();
    }

    private String string(String key, String fallback) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isTextual()) {
            throw error(key, "must be a string, got " + node);
        }
        return node.asText();
    }

    private ConfigException error(String key, String problem) {
        return new ConfigException(source + ": key '" + key + "' " + problem);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
