package dev.plt.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plt.jobs.SharedSpark;
import dev.plt.jobs.cli.PltCli;
import dev.plt.jobs.output.ResponseStore;
import dev.plt.jobs.output.RunManifest;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plt evaluate --resume}: an evaluation interrupted mid-job (its Spark job cancelled as soon as a few
 * partitions of answers are committed, the way a lost driver or a kill leaves it) and then resumed computes
 * only the requests whose answers are missing, and writes metrics.json and samples/ identical, bit for bit,
 * to an uninterrupted run's. A resume with another model or another --limit is refused in one line and
 * leaves the output as it was.
 */
class EvaluateResumeTest {
    private static final int PARTITIONS = 24;

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void model() {
        // Wide enough that a partition takes a noticeable time, so the cancellation lands mid-job.
        model = RandomCheckpoint.write(dir.resolve("model"),
                RandomCheckpoint.Spec.small().withShape(256, 512, 4, 4, 2, 64, 300));
    }

    /**
     * Cancels every Spark job once {@code spark.plt.test.cancelAfter} tasks of the stage with
     * {@code spark.plt.test.stageTasks} tasks (the answering stage) have succeeded. Spark builds it from
     * {@code spark.extraListeners}.
     */
    public static final class CancelAfterTasks extends SparkListener {
        private final int stageTasks;
        private final int after;
        private final Set<Integer> watched = ConcurrentHashMap.newKeySet();
        private final AtomicInteger succeeded = new AtomicInteger();

        public CancelAfterTasks(SparkConf conf) {
            stageTasks = conf.getInt("spark.plt.test.stageTasks", -1);
            after = conf.getInt("spark.plt.test.cancelAfter", 1);
        }

        @Override
        public void onStageSubmitted(SparkListenerStageSubmitted event) {
            if (event.stageInfo().numTasks() == stageTasks) {
                watched.add(event.stageInfo().stageId());
            }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd event) {
            if (watched.contains(event.stageId()) && event.taskInfo().successful()
                    && succeeded.incrementAndGet() == after) {
                SparkContext.getOrCreate().cancelAllJobs();
            }
        }
    }

    private static List<String> args(Path out, String... more) {
        List<String> all = new ArrayList<>(List.of("evaluate", "--master", "local[2]", "--output", out.toString(),
                "--model", model.toString(), "--task", "multihop", "--task-option", "n=12", "--partitions",
                Integer.toString(PARTITIONS), "--batch-size", "2"));
        all.addAll(List.of(more));
        return all;
    }

    private static int run(StringWriter err, List<String> args) {
        return PltCli.execute(new PrintWriter(err, true), args.toArray(String[]::new));
    }

    @Test
    void anInterruptedEvaluationResumesWithOnlyTheMissingRequestsAndTheSameBits() throws Exception {
        Path full = dir.resolve("full");
        StringWriter fullErr = new StringWriter();
        assertEquals(0, run(fullErr, args(full)), fullErr.toString());

        Path out = dir.resolve("interrupted");
        StringWriter err = new StringWriter();
        SharedSpark.stop(); // the listener that interrupts it is installed only by a Spark that starts for this run
        int code = run(err, args(out, "--conf", "spark.extraListeners=" + CancelAfterTasks.class.getName(),
                "--conf", "spark.plt.test.stageTasks=" + PARTITIONS, "--conf", "spark.plt.test.cancelAfter=3"));
        assertNotEquals(0, code, "the cancelled evaluation fails: " + err);
        assertFalse(Files.exists(out.resolve("metrics.json")), "no results from an interrupted run");
        assertTrue(partFiles(out.resolve(ResponseStore.DIRECTORY)) >= 3,
                "the committed answers are kept for --resume: " + partFiles(out.resolve(ResponseStore.DIRECTORY)));

        StringWriter resumeErr = new StringWriter();
        assertEquals(0, run(resumeErr, args(out, "--resume")), resumeErr.toString());
        List<JsonNode> runs = RunManifest.runs(out);
        assertEquals(1, runs.size(), "the interrupted run recorded no run: " + runs);
        JsonNode resumed = runs.get(0);
        long reused = resumed.get("requests_reused").asLong();
        long computed = resumed.get("requests_computed").asLong();
        JsonNode fullRun = RunManifest.runs(full).get(0);
        assertEquals(fullRun.get("requests_computed").asLong(), reused + computed, resumed.toString());
        assertTrue(reused > 0 && computed > 0, "some answers reused, the others computed: " + resumed);

        assertEquals(EvaluateOutput.results(full), EvaluateOutput.results(out));
        List<JsonNode> expected = EvaluateOutput.samples(full);
        List<JsonNode> actual = EvaluateOutput.samples(out);
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(EvaluateOutput.exactText(expected.get(i)), EvaluateOutput.exactText(actual.get(i)),
                    "sample row " + i);
        }

        // Resuming a complete output reuses every answer and changes no number.
        StringWriter againErr = new StringWriter();
        assertEquals(0, run(againErr, args(out, "--resume")), againErr.toString());
        JsonNode again = RunManifest.runs(out).get(1);
        assertEquals(0, again.get("requests_computed").asLong(), again.toString());
        assertEquals(EvaluateOutput.results(full), EvaluateOutput.results(out));
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith("results_")).count(),
                    "one lm-eval results file, the latest run's");
        }
    }

    @Test
    void aResumeWithAnotherModelOrLimitIsRefusedWithoutTouchingTheOutput() throws Exception {
        Path out = dir.resolve("refused");
        StringWriter firstErr = new StringWriter();
        assertEquals(0, run(firstErr, args(out, "--limit", "3")), firstErr.toString());
        Map<String, String> before = snapshot(out);

        StringWriter err = new StringWriter();
        assertEquals(2, run(err, args(out, "--limit", "4", "--resume")), err.toString());
        assertTrue(err.toString().contains("--resume: ") && err.toString().contains("limit: 3 -> 4"), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), "one line: " + err);

        Path other = RandomCheckpoint.write(dir.resolve("other-model"), RandomCheckpoint.Spec.small());
        List<String> otherModel = args(out, "--limit", "3", "--resume");
        otherModel.set(otherModel.indexOf(model.toString()), other.toString());
        StringWriter modelErr = new StringWriter();
        assertEquals(2, run(modelErr, otherModel), modelErr.toString());
        assertTrue(modelErr.toString().contains("model_fingerprint"), modelErr.toString());

        assertEquals(before, snapshot(out), "the refused resumes left the output as it was");
    }

    private static long partFiles(Path store) throws IOException {
        if (!Files.isDirectory(store)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(store)) {
            return files.filter(p -> p.getFileName().toString().startsWith("part-")).count();
        }
    }

    /** Every file under {@code root}: its relative path and its content (and so its bytes) as text. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString(), java.util.HexFormat.of().formatHex(Files.readAllBytes(p))
                        + "@" + Files.getLastModifiedTime(p));
            }
        }
        return files;
    }
}
