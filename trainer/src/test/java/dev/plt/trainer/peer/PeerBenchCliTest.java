package dev.plt.trainer.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.model.checkpoint.RandomCheckpoint;
import dev.plt.model.checkpoint.RandomCheckpoint.Spec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/plt-peer}'s contract with {@code plt bench}, which runs it as a child process and reads
 * its stdout: exactly one JSON object with the agreed keys, one result per batch size, and nothing else
 * on stdout; bad options and unsupported models exit 2 with one line on stderr. Timings are only
 * checked to be positive numbers.
 */
class PeerBenchCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void printsOneJsonObjectWithAResultPerBatch(@TempDir Path dir) throws Exception {
        Path model = RandomCheckpoint.write(dir.resolve("plt2"), Spec.small());
        Run run = run("--model", model.toString(), "--batches", "1,2", "--prompt-tokens", "6",
                "--decode-steps", "3", "--threads", "1", "--warmup", "1");

        assertEquals(0, run.exit, run.err);
        List<String> lines = run.out.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "stdout must hold only the JSON object: " + run.out);
        JsonNode report = JSON.readTree(lines.get(0));
        assertEquals("DJL 0.36.0 / PyTorch 2.7.1 CPU", report.path("engine").asText());
        assertEquals(1, report.path("threads").asInt());
        assertEquals("f32", report.path("dtype").asText());
        assertEquals(model.toString(), report.path("model").asText());
        JsonNode results = report.path("results");
        assertEquals(2, results.size(), report.toString());
        for (int i = 0; i < 2; i++) {
            JsonNode row = results.get(i);
            assertEquals(i + 1, row.path("batch").asInt());
            assertPositive(row.path("decode_ms_per_token"), "decode_ms_per_token");
            assertPositive(row.path("prefill_tokens_per_s"), "prefill_tokens_per_s");
        }
    }

    @Test
    void aSerialLoopModelIsRefusedInOneLine(@TempDir Path dir) {
        Path model = RandomCheckpoint.write(dir.resolve("serial"), Spec.small().withLoops(2, "serial"));
        Run run = run("--model", model.toString(), "--batches", "1", "--decode-steps", "1");

        assertEquals(2, run.exit);
        assertEquals("", run.out);
        assertEquals(1, run.err.strip().lines().count(), run.err);
        assertTrue(run.err.contains("config.json") && run.err.contains("vanilla loop-2"), run.err);
    }

    @Test
    void aBadOptionNamesTheOption(@TempDir Path dir) {
        Path model = RandomCheckpoint.write(dir.resolve("plt2"), Spec.small());
        Run run = run("--model", model.toString(), "--threads", "0");

        assertEquals(2, run.exit);
        assertEquals("", run.out);
        assertTrue(run.err.contains("--threads must be >= 1"), run.err);
    }

    @Test
    void aMissingModelDirectoryIsNamed(@TempDir Path dir) {
        Run run = run("--model", dir.resolve("absent").toString());

        assertEquals(2, run.exit);
        assertTrue(run.err.startsWith("plt-peer: ") && run.err.contains("absent"), run.err);
        assertEquals(1, run.err.strip().lines().count(), run.err);
    }

    private static void assertPositive(JsonNode value, String name) {
        assertTrue(value.isNumber() && value.asDouble() > 0 && Double.isFinite(value.asDouble()),
                name + " must be a positive number: " + value);
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PeerBenchCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }
}
