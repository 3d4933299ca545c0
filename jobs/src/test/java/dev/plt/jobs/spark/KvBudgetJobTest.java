package dev.plt.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.jobs.SharedSpark;
import dev.plt.jobs.cli.PltCli;
import dev.plt.jobs.output.OutputRows;
import dev.plt.jobs.output.RunManifest;
import dev.plt.model.config.ConfigLoader;
import dev.plt.model.loop.KvFootprint;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --kv-budget}: a score job of long prompts under a small budget finishes, the micro-batch plan
 * never holds more KV cache than a task's share of the budget, the one row that alone needs more
 * gets a "too long" row error, and every other row scores bitwise as without the budget.
 */
@ExtendWith(SharedSpark.class)
class KvBudgetJobTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void batchesStayUnderTheBudgetAndResultsDoNotChange() throws IOException {
        Path model = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.Spec.small());
        Random random = new Random(11);
        StringBuilder jsonl = new StringBuilder();
        int longRows = 20;
        for (int i = 0; i < longRows; i++) {
            jsonl.append(JSON.writeValueAsString(Map.of("id", i, "text", letters(random, 300 + random.nextInt(300)))))
                    .append('\n');
        }
        jsonl.append(JSON.writeValueAsString(Map.of("id", 99, "text", letters(random, 2000)))).append('\n');
        Path input = Files.writeString(dir.resolve("long.jsonl"), jsonl);

        // local[2]: two task slots share the executor's budget. A 600-token row needs 151.0 KiB here
        // (KvFootprint), so a task's 400 KiB hold at most two or three rows and the 2000-token row none.
        long perTask = 400 * 1024;
        long rowOf2000 = KvFootprint.bytesPerSequence(ConfigLoader.load(model), 2001);
        assertTrue(rowOf2000 > perTask && KvFootprint.bytesPerSequence(ConfigLoader.load(model), 601) * 2 < perTask);
        Path budgeted = dir.resolve("budgeted");
        Path unbounded = dir.resolve("unbounded");
        run("score", "--model", model.toString(), "--input", input.toString(), "--output", budgeted.toString(),
                "--output-format", "jsonl", "--master", "local[2]", "--partitions", "2", "--kv-budget", "800k");
        run("score", "--model", model.toString(), "--input", input.toString(), "--output", unbounded.toString(),
                "--output-format", "jsonl", "--master", "local[2]", "--partitions", "2");

        JsonNode plan = RunManifest.runs(budgeted).get(0);
        assertEquals(perTask, plan.get("smallest_task_kv_budget_bytes").asLong());
        assertTrue(plan.get("largest_batch_kv_bytes").asLong() <= perTask, plan.toString());
        assertTrue(plan.get("largest_batch_budget_share").asDouble() <= 1.0, plan.toString());
        assertTrue(plan.get("micro_batches").asInt() >= longRows / 3, "the budget split the batches: " + plan);
        JsonNode unboundedPlan = RunManifest.runs(unbounded).get(0);
        assertEquals(2, unboundedPlan.get("micro_batches").asInt(), "without it, one batch per partition");

        List<JsonNode> withBudget = sortedById(OutputRows.all(budgeted));
        List<JsonNode> without = sortedById(OutputRows.all(unbounded));
        assertEquals(longRows + 1, withBudget.size());
        for (int i = 0; i < longRows; i++) {
            assertNull(withBudget.get(i).get("error"), withBudget.get(i).toString());
            assertEquals(without.get(i).get("total_logprob").doubleValue(),
                    withBudget.get(i).get("total_logprob").doubleValue(), 0.0, "row " + i);
        }
        JsonNode tooLong = withBudget.get(longRows);
        assertEquals(99, tooLong.get("id").asInt());
        assertEquals("too_long", tooLong.get("error_kind").asText(), tooLong.toString());
        assertTrue(tooLong.get("error").asText().contains("KV cache") && tooLong.get("error").asText().contains(
                "400.0 KiB"), tooLong.toString());
        assertNull(without.get(longRows).get("error"), "without a budget the long row runs");
    }

    @Test
    void aBadBudgetIsRefusedInOneLine() {
        StringWriter err = new StringWriter();
        int code = PltCli.execute(new PrintWriter(err, true), "score", "--model", dir.toString(), "--input",
                dir.toString(), "--output", dir.resolve("out").toString(), "--kv-budget", "lots");
        assertEquals(PltCli.EXIT_BAD_SETUP, code);
        assertTrue(err.toString().contains("--kv-budget 'lots' is not a size"), err.toString());
    }

    private static void run(String... args) {
        StringWriter err = new StringWriter();
        assertEquals(0, PltCli.execute(new PrintWriter(err, true), args), err.toString());
    }

    private static List<JsonNode> sortedById(List<JsonNode> rows) {
        List<JsonNode> sorted = new ArrayList<>(rows);
        sorted.sort((a, b) -> Integer.compare(a.get("id").asInt(), b.get("id").asInt()));
        return sorted;
    }

    private static String letters(Random random, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) ('a' + random.nextInt(26)));
        }
        return s.toString();
    }
}
