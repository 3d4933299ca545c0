package dev.plt.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plt.jobs.ChildJob;
import dev.plt.jobs.cli.PltCli;
import dev.plt.jobs.output.ResponseStore;
import dev.plt.jobs.output.RunManifest;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plt evaluate --resume} after a kill: the evaluation runs in its own JVM (the spark-submit main,
 * on local[2]) and is killed with SIGKILL as soon as its first answers are committed, with no shutdown hook
 * and no cleanup. The resume computes only the answers the kill lost, and every number it writes equals
 * an uninterrupted run's, bit for bit. ({@link EvaluateResumeTest} interrupts in-process and checks the
 * refusals.)
 */
class EvaluateResumeAfterKillIT {
    private static final int PARTITIONS = 24;

    @TempDir
    Path dir;

    private List<String> args(Path model, Path out) {
        return new ArrayList<>(List.of("--master", "local[2]", "--output", out.toString(), "--model",
                model.toString(), "--task", "multihop", "--task-option", "n=12", "--partitions",
                Integer.toString(PARTITIONS), "--batch-size", "2"));
    }

    @Test
    void aKilledEvaluationResumedEqualsAnUninterruptedOne() throws Exception {
        // Wide enough that a partition takes a noticeable time, so the kill lands mid-job.
        Path model = RandomCheckpoint.write(dir.resolve("model"),
                RandomCheckpoint.Spec.small().withShape(256, 512, 4, 4, 2, 64, 300));
        Path clean = dir.resolve("clean");
        run("evaluate", args(model, clean));

        Path killed = dir.resolve("killed");
        Path log = dir.resolve("child.log");
        Process child = ChildJob.start("evaluate", args(model, killed), log);
        Path store = killed.resolve(ResponseStore.DIRECTORY);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
        while (ChildJob.partFiles(store) == 0) {
            assertTrue(child.isAlive(), "the evaluation ended before any answer was committed; log: "
                    + Files.readString(log));
            assertTrue(System.nanoTime() < deadline, "no answers committed in time; log: " + Files.readString(log));
            Thread.sleep(20);
        }
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no job commit, no cleanup
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertFalse(Files.exists(killed.resolve("metrics.json")), "the killed evaluation wrote no results");

        List<String> resume = args(model, killed);
        resume.add("--resume");
        run("evaluate", resume);

        JsonNode resumed = RunManifest.runs(killed).get(0);
        JsonNode full = RunManifest.runs(clean).get(0);
        long reused = resumed.get("requests_reused").asLong();
        assertTrue(reused > 0, "the answers committed before the kill are reused: " + resumed);
        assertEquals(full.get("requests_computed").asLong(), reused + resumed.get("requests_computed").asLong(),
                "only the answers the kill lost are computed: " + resumed);
        assertEquals(EvaluateOutput.results(clean), EvaluateOutput.results(killed));
        List<JsonNode> expected = EvaluateOutput.samples(clean);
        List<JsonNode> actual = EvaluateOutput.samples(killed);
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(EvaluateOutput.exactText(expected.get(i)), EvaluateOutput.exactText(actual.get(i)),
                    "sample row " + i);
        }
    }

    private static void run(String command, List<String> args) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(args);
        StringWriter err = new StringWriter();
        assertEquals(0, PltCli.execute(new PrintWriter(err, true), all.toArray(String[]::new)), err.toString());
    }
}
