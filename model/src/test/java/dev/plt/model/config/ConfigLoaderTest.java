package dev.plt.model.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    private static final String LLAMA = """
            "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
            "num_attention_heads": 4, "vocab_size": 100""";

    private static ModelConfig parse(String extra) {
        return ConfigLoader.parse("config.json", "{" + LLAMA + (extra.isEmpty() ? "" : ", " + extra) + "}");
    }

    @Test
    void plainLlamaIsANonLoopModelWithSpecDefaults() {
        ModelConfig c = parse("");
        assertEquals(LoopMode.NONE, c.loopMode());
        assertEquals(1, c.numLoops());
        assertEquals(4, c.numKvHeads());
        assertEquals(16, c.headDim());
        assertFalse(c.attentionBias());
        assertFalse(c.tieWordEmbeddings());
        assertEquals(64, c.windowSize());
        assertEquals(1.0f, c.embScale());
        assertEquals(1.0f, c.hiddenScale());
        assertEquals(GateInput.QUERY, c.gateInput());
        assertEquals(LoopAttention.OWN_FULL_CACHE, c.attentionOf(0));
    }

    @Test
    void qwen2DefaultsToAttentionBias() {
        assertTrue(parse("\"model_type\": \"qwen2\"").attentionBias());
        assertFalse(parse("\"model_type\": \"qwen2\", \"attention_bias\": false").attentionBias());
    }

    @Test
    void loopCoderV2KeysGivePltWithGswa() {
        ModelConfig c = parse("""
                "plt_num_loops": 2, "plt_gate_use_hidden_states": true, "plt_window_size": [64, 0],
                "plt_emb_scale": 0.707, "plt_hidden_scale": 0.053""");
        assertEquals(LoopMode.PARALLEL, c.loopMode());
        assertEquals(GateInput.HIDDEN_STATES, c.gateInput());
        assertEquals(LoopAttention.OWN_FULL_CACHE, c.attentionOf(0));
        assertEquals(LoopAttention.SHARED_PLUS_WINDOW, c.attentionOf(1));
        assertEquals(0.707f, c.embScale());
        assertEquals(0.053f, c.hiddenScale());
        assertTrue(c.usesGate());
    }

    @Test
    void ablationSwitchesFollowTheSpec() {
        assertEquals(LoopAttention.SHARED_ONLY, parse("\"plt_num_loops\": 2, \"plt_gswa\": false").attentionOf(1));
        // kv_share = false overrides gswa.
        assertEquals(LoopAttention.OWN_FULL_CACHE, parse("\"plt_num_loops\": 3, \"plt_kv_share\": false").attentionOf(2));
        ModelConfig serial = parse("\"plt_num_loops\": 2, \"plt_loop_mode\": \"serial\"");
        assertEquals(LoopAttention.OWN_FULL_CACHE, serial.attentionOf(1));
        assertFalse(serial.usesGate());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"rope_scaling\": {\"type\": \"linear\", \"factor\": 2.0}|rope_scaling",
        "\"hidden_act\": \"gelu\"|hidden_act",
        "\"mlp_bias\": true|mlp_bias",
        "\"use_sliding_window\": true|use_sliding_window",
        "\"partial_rotary_factor\": 0.5|partial_rotary_factor",
        "\"plt_new_thing\": 1|plt_new_thing",
        "\"plt_num_loops\": 2, \"plt_loop_mode\": \"diagonal\"|plt_loop_mode",
        "\"plt_window_size\": [64, 64]|plt_window_size",
        "\"plt_window_size\": 64|plt_window_size",
        "\"plt_window_size\": [-1, 0]|plt_window_size",
        "\"num_key_value_heads\": 3|num_key_value_heads",
        "\"plt_kv_share\": \"yes\"|plt_kv_share",
        "\"plt_num_loops\": 0|plt_num_loops"})
    void mathChangingOrMalformedKeysAreErrorsNamingTheKey(String extra, String key) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(extra));
        assertTrue(e.getMessage().contains(key), e.getMessage());
        assertTrue(e.getMessage().startsWith("config.json"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    private static ConfigException refused(String extra, String... fragments) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(extra), extra);
        String m = e.getMessage();
        assertTrue(m.startsWith("config.json: "), m);
        assertFalse(m.contains("\n"), "one line: " + m);
        for (String f : fragments) {
            assertTrue(m.contains(f), () -> "expected '" + f + "' in: " + m);
        }
        return e;
    }

    @Test
    void aDuplicateKeyIsRefusedNamingIt() {
        // Jackson would keep the last value; which one the writer meant is unknowable.
        refused("\"vocab_size\": 200", "Duplicate", "vocab_size");
        refused("\"plt_num_loops\": 2, \"plt_num_loops\": 3", "plt_num_loops");
    }

    @Test
    void aWindowIsAnIntegerNoLargerThanMaxPositionEmbeddings() {
        // 2^32 + 64 used to wrap to 64.
        refused("\"plt_num_loops\": 2, \"plt_window_size\": [4294967360, 0]", "key 'plt_window_size'",
                "[4294967360,0]", "w an integer in [0, 4096] (max_position_embeddings)");
        // Near Integer.MAX_VALUE every row used to fail allocating its ring buffers.
        refused("\"plt_num_loops\": 2, \"plt_window_size\": [2147483646, 0]", "[0, 4096]");
        refused("\"plt_num_loops\": 2, \"max_position_embeddings\": 128, \"plt_window_size\": [129, 0]",
                "[0, 128]");
        refused("\"plt_num_loops\": 2, \"plt_window_size\": [1.5, 0]", "plt_window_size");
        refused("\"plt_num_loops\": 2, \"plt_window_size\": [64, 4294967296]", "plt_window_size");
        assertEquals(128, parse("\"plt_num_loops\": 2, \"max_position_embeddings\": 128, \"plt_window_size\": [128, 0]")
                .windowSize());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"hidden_size\": 0|hidden_size|[1, 2147483647]",
        "\"hidden_size\": -64|hidden_size|[1, 2147483647]",
        "\"hidden_size\": 4294967360|hidden_size|[1, 2147483647]",
        "\"hidden_size\": 64.5|hidden_size|[1, 2147483647]",
        "\"num_hidden_layers\": \"2\"|num_hidden_layers|[1, 2147483647]",
        "\"num_hidden_layers\": true|num_hidden_layers|[1, 2147483647]",
        "\"num_hidden_layers\": 2.0|num_hidden_layers|[1, 2147483647]",
        "\"num_key_value_heads\": 0|num_key_value_heads|[1, 4]",
        "\"num_key_value_heads\": 8|num_key_value_heads|[1, 4]",
        "\"plt_num_loops\": -1|plt_num_loops|[1, 536870911]",
        "\"head_dim\": 1073741824|head_dim|[1, 536870911]",
        "\"vocab_size\": 40000000|vocab_size|[1, 33554431]",
        "\"intermediate_size\": 2147483647|intermediate_size|[1, 33554431]",
        "\"max_position_embeddings\": 0|max_position_embeddings|[1, 33554415]",
        "\"max_position_embeddings\": 2147483647|max_position_embeddings|[1, 33554415]"})
    void sizesAreIntegersInARangeThatIsNamed(String extra, String key, String range) {
        // The duplicate-free override: LLAMA's own value for the key is removed first.
        String base = LLAMA.replaceAll("\"" + key + "\": [0-9]+,?", "");
        String json = "{" + base.strip().replaceAll(",$", "") + ", " + extra + "}";
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("config.json", json), json);
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.startsWith("config.json: key '" + key + "' must be an integer in " + range), m);
    }

    @Test
    void harmlessKeysAreIgnored() {
        ModelConfig c = parse("\"rope_scaling\": null, \"architectures\": [\"LlamaForCausalLM\"], \"bos_token_id\": 1,"
                + " \"use_sliding_window\": false, \"sliding_window\": 4096, \"partial_rotary_factor\": 1.0");
        assertEquals(LoopMode.NONE, c.loopMode());
    }

    @Test
    void missingRequiredKeyAndMissingFileAreNamed(@TempDir Path dir) {
        ConfigException missingKey = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("config.json", "{\"hidden_size\": 8}"));
        assertTrue(missingKey.getMessage().contains("intermediate_size")
                || missingKey.getMessage().contains("num_attention_heads"), missingKey.getMessage());
        ConfigException missingFile = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir));
        assertTrue(missingFile.getMessage().contains("config.json"), missingFile.getMessage());
        Path nowhere = dir.resolve("nowhere");
        missingFile = assertThrows(ConfigException.class, () -> ConfigLoader.load(nowhere));
        assertEquals(nowhere.resolve("config.json") + ": not found (a model directory needs config.json)",
                missingFile.getMessage());
        ConfigException notJson = assertThrows(ConfigException.class, () -> ConfigLoader.parse("config.json", "{oops"));
        assertTrue(notJson.getMessage().contains("not valid JSON"), notJson.getMessage());
    }
}
