package dev.plt.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * What {@code llama-bench -o json} prints: an array with one object per test, each with {@code n_prompt},
 * {@code n_gen}, {@code n_depth} and {@code avg_ts} (tokens per second, the mean over its repetitions). A
 * prefill test has {@code n_gen = 0}, a decode test {@code n_prompt = 0}.
 */
final class LlamaBenchJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LlamaBenchJson() {
    }

    /** Tokens per second of the test with these sizes; names what is missing when it is not there. */
    static double tokensPerSecond(String stdout, int nPrompt, int nGen) {
        JsonNode root;
        try {
            root = JSON.readTree(stdout.substring(Math.max(0, stdout.indexOf('['))));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("llama-bench printed no JSON array: " + head(stdout));
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("llama-bench printed no JSON array: " + head(stdout));
        }
        for (JsonNode test : root) {
            if (test.path("n_prompt").asInt(-1) == nPrompt && test.path("n_gen").asInt(-1) == nGen) {
                JsonNode ts = test.get("avg_ts");
                if (ts == null || !ts.isNumber() || !(ts.asDouble() > 0)) {
                    throw new IllegalArgumentException("llama-bench: avg_ts of the test n_prompt=" + nPrompt + " n_gen="
                            + nGen + " is missing or not a positive number: " + test);
                }
                return ts.asDouble();
            }
        }
        throw new IllegalArgumentException("llama-bench printed no test with n_prompt=" + nPrompt + " and n_gen=" + nGen
                + ": " + head(stdout));
    }

    private static String head(String text) {
        String s = text.strip();
        return s.substring(0, Math.min(160, s.length()));
    }
}
