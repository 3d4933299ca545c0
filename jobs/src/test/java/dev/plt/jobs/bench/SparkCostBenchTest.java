package dev.plt.jobs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.datasets.tasks.registry.ProjectLayout;
import dev.plt.jobs.SharedSpark;
import dev.plt.jobs.cli.PltCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plt bench --spark-cost --quick} end to end: both sides of each comparison computed the same
 * values (score totals bit for bit, evaluate's bits per byte from infer's log-probs), the job used the
 * registry's one model, and every derived figure agrees with the timings it comes from. No timing is judged.
 */
class SparkCostBenchTest {
    @TempDir
    static Path dir;
    static JsonNode report;
    static String markdown;

    @BeforeAll
    static void runQuickSparkCost() throws IOException {
        Path root = ProjectLayout.findRoot(Path.of("").toAbsolutePath()).orElseThrow();
        assumeTrue(Files.isDirectory(ProjectLayout.defaultDatasetsRoot(root).resolve("tinyshakespeare")),
                "the perplexity task's data (../shared/datasets/tinyshakespeare) is not here");
        SharedSpark.stop(); // the bench starts, and times, its own session
        StringWriter err = new StringWriter();
        int code = PltCli.execute(new PrintWriter(err, true), "bench", "--spark-cost", "--quick", "--dtypes", "f32",
                "--rounds", "1", "--embedded-model", root.resolve("models/default").toString(),
                "--output", dir.resolve("out").toString(), "--cache-dir", dir.resolve("cache").toString());
        assertEquals(0, code, err.toString());
        report = new ObjectMapper().readTree(dir.resolve("out/bench-spark.json").toFile());
        markdown = Files.readString(dir.resolve("out/bench-spark.md"));
    }

    @Test
    void theScoreJobComputesTheBareEnginesBitsWithTheRegistrysOneModel() {
        JsonNode score = report.get("score");
        assertTrue(score.get("results_identical").asBoolean(), score.toString());
        assertEquals(0, score.get("model_loads_in_rounds").asInt(), "the job reused the registry's model");
        assertEquals(8, score.get("rows").asInt());
        assertEquals(1, score.get("partitions").asInt(), "8 rows, micro-batches of 16: one partition");
    }

    @Test
    void scoreFiguresFollowFromTheirTimings() {
        JsonNode s = report.get("score");
        double bare = s.get("bare").get("wall_seconds").asDouble();
        double job = s.get("job").get("wall_seconds").asDouble();
        double fixed = s.get("job_fixed").get("wall_seconds").asDouble();
        assertEquals(s.get("one_row_job").get("wall_seconds").asDouble()
                - s.get("one_row_bare").get("wall_seconds").asDouble(), fixed, 1e-12);
        assertEquals(job / bare - 1, s.get("job_overhead").asDouble(), 1e-9);
        assertEquals((job - fixed) / bare - 1, s.get("per_row_overhead").asDouble(), 1e-9);
        double load = s.get("model_load").get("wall_seconds").asDouble();
        double session = report.get("session_start").get("wall_seconds").asDouble();
        assertEquals((session + load + job) / (load + bare) - 1, s.get("whole_job_overhead").asDouble(), 1e-9);
        assertTrue(bare > 0 && job > 0 && session > 0, s.toString());
    }

    @Test
    void evaluateAndInferScoredTheSameWindows() {
        JsonNode e = report.get("evaluate");
        assertEquals(2, e.get("documents").asInt());
        assertTrue(e.get("windows").asInt() >= e.get("documents").asInt(), e.toString());
        double evaluateBpb = e.get("evaluate_bits_per_byte").asDouble();
        double inferBpb = e.get("infer_bits_per_byte").asDouble();
        assertTrue(evaluateBpb > 0, e.toString());
        // The same log-probs summed in another grouping (per document first, or not): equal to rounding.
        assertEquals(evaluateBpb, inferBpb, 1e-12 * evaluateBpb, e.toString());
        long tokens = e.get("tokens").asLong();
        assertEquals(tokens / e.get("infer").get("wall_seconds").asDouble(), e.get("infer_tokens_per_second").asDouble(),
                1e-6);
        assertEquals(tokens / e.get("evaluate").get("wall_seconds").asDouble(),
                e.get("evaluate_tokens_per_second").asDouble(), 1e-6);
        assertEquals(e.get("evaluate_tokens_per_second").asDouble() / e.get("infer_tokens_per_second").asDouble(),
                e.get("ratio").asDouble(), 1e-9);
    }

    @Test
    void theMarkdownNamesBothComparisons() {
        assertTrue(markdown.contains("`plt score` vs the bare engine"), markdown);
        assertTrue(markdown.contains("vs `plt infer` on the same"), markdown);
    }
}
