package dev.plt.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code bin/plt-peer} prints on stdout: ONE JSON object
 * <pre>{"engine": "...", "threads": T, "dtype": "f32",
 *  "results": [{"batch": 1, "decode_ms_per_token": x, "prefill_tokens_per_s": y}, ...]}</pre>
 * {@code decode_ms_per_token} is the time of one decode step, in which each of the batch's sequences
 * gets a token (the engine's ms/step); an optional {@code decode_tokens_per_s} is used when present.
 */
record PeerOutput(String engine, int threads, String dtype, List<Result> results) {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Result(int batch, double decodeMsPerToken, double decodeTokensPerSecond, double prefillTokensPerSecond) {
    }

    Result at(int batch) {
        return results.stream().filter(r -> r.batch() == batch).findFirst().orElse(null);
    }

    /**
     * Parses the peer's stdout: the whole text as one object, or else its last line that is one (in
     * case a library printed a banner first).
     *
     * @throws IllegalArgumentException naming what is missing or malformed
     */
    static PeerOutput parse(String stdout) {
        JsonNode root = object(stdout.trim());
        if (root == null) {
            String[] lines = stdout.split("\\R");
            for (int i = lines.length - 1; i >= 0 && root == null; i--) {
                root = object(lines[i].trim());
            }
        }
        if (root == null) {
            String start = stdout.strip();
            throw new IllegalArgumentException("plt-peer printed no JSON object on stdout"
                    + (start.isEmpty() ? "" : ": " + start.substring(0, Math.min(160, start.length()))));
        }
        JsonNode results = root.path("results");
        if (!results.isArray() || results.isEmpty()) {
            throw new IllegalArgumentException("plt-peer output has no \"results\" array: " + root);
        }
        List<Result> parsed = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            JsonNode r = results.get(i);
            int batch = number(r, "batch", i).intValue();
            double ms = number(r, "decode_ms_per_token", i).doubleValue();
            double tokensPerSecond = r.hasNonNull("decode_tokens_per_s")
                    ? r.get("decode_tokens_per_s").asDouble() : batch * 1000.0 / ms;
            parsed.add(new Result(batch, ms, tokensPerSecond, number(r, "prefill_tokens_per_s", i).doubleValue()));
        }
        return new PeerOutput(root.path("engine").asText("unknown"), root.path("threads").asInt(0),
                root.path("dtype").asText("f32"), List.copyOf(parsed));
    }

    private static Number number(JsonNode result, String key, int index) {
        JsonNode value = result.get(key);
        if (value == null || !value.isNumber()) {
            throw new IllegalArgumentException("plt-peer output: results[" + index + "]." + key
                    + " is missing or not a number: " + result);
        }
        return value.numberValue();
    }

    private static JsonNode object(String text) {
        if (!text.startsWith("{")) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(text);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }
}
