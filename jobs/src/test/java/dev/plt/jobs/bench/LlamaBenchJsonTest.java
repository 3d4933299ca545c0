package dev.plt.jobs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Parsing {@code llama-bench -o json}: the test asked for, by its n_prompt and n_gen. */
class LlamaBenchJsonTest {
    private static final String OUTPUT = """
            [
              {
                "build_commit": "de3ff815",
                "model_filename": "f32.gguf",
                "n_threads": 1,
                "n_prompt": 512,
                "n_gen": 0,
                "n_depth": 0,
                "avg_ns": 1234567890,
                "avg_ts": 414.72,
                "stddev_ts": 0.0,
                "samples_ns": [ 1234567890 ],
                "samples_ts": [ 414.72 ]
              },
              {
                "build_commit": "de3ff815",
                "n_prompt": 0,
                "n_gen": 32,
                "n_depth": 16,
                "avg_ts": 51.5,
                "samples_ts": [ 51.5 ]
              }
            ]
            """;

    @Test
    void picksTheTestBySizes() {
        assertEquals(414.72, LlamaBenchJson.tokensPerSecond(OUTPUT, 512, 0));
        assertEquals(51.5, LlamaBenchJson.tokensPerSecond("build: x\n" + OUTPUT, 0, 32));
    }

    @Test
    void aMissingTestOrNoJsonIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LlamaBenchJson.tokensPerSecond(OUTPUT, 128, 0));
        assertTrue(e.getMessage().startsWith("llama-bench printed no test with n_prompt=128 and n_gen=0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LlamaBenchJson.tokensPerSecond("error: bad model", 512, 0));
        assertTrue(e.getMessage().startsWith("llama-bench printed no JSON array"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LlamaBenchJson.tokensPerSecond(
                "[{\"n_prompt\": 512, \"n_gen\": 0, \"avg_ts\": \"fast\"}]", 512, 0));
        assertTrue(e.getMessage().contains("avg_ts"), e.getMessage());
    }
}
