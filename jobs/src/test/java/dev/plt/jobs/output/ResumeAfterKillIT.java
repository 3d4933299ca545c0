package dev.plt.jobs.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.jobs.ChildJob;
import dev.plt.jobs.cli.PltCli;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A score or generate job killed with SIGKILL mid-run and completed with {@code --resume} holds
 * exactly what an uninterrupted run holds: the same row ids, none lost or duplicated, scores
 * bitwise and generations equal. The killed job runs in its own JVM from the shaded job jar on the
 * Spark jars (the spark-submit main, on local[2]); it is killed as soon as its first partition is
 * committed, with many partitions still to go.
 */
class ResumeAfterKillIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARTITIONS = 24;

    @TempDir
    static Path dir;
    static Path model;
    static Path input;

    @BeforeAll
    static void setUp() throws IOException {
        // Wide enough that a partition takes a noticeable time, so the kill lands mid-job.
        model = RandomCheckpoint.write(dir.resolve("model"),
                RandomCheckpoint.Spec.small().withShape(256, 512, 4, 4, 2, 64, 300));
        Random random = new Random(5);
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 3 * PARTITIONS; i++) {
            StringBuilder text = new StringBuilder();
            for (int c = 40 + random.nextInt(120); c > 0; c--) {
                text.append((char) ('a' + random.nextInt(26)));
            }
            jsonl.append(JSON.writeValueAsString(Map.of("id", i, "text", text.toString()))).append('\n');
        }
        jsonl.append("{\"id\": 7, \"text\": \"a duplicate row\"}\n{\"id\": 7, \"text\": \"a duplicate row\"}\n");
        input = Files.writeString(dir.resolve("in.jsonl"), jsonl);
    }

    private static List<String> args(String job, Path output) {
        List<String> args = new ArrayList<>(List.of("--model", model.toString(), "--input", input.toString(),
                "--output", output.toString(), "--master", "local[2]", "--partitions", String.valueOf(PARTITIONS),
                "--batch-size", "2"));
        if (job.equals("score")) {
            args.add("--per-token"); // Parquet output (the default)
        } else {
            args.addAll(List.of("--max-new-tokens", "24", "--output-format", "jsonl"));
        }
        return args;
    }

    @ParameterizedTest
    @ValueSource(strings = {"score", "generate"})
    void aKilledJobResumedEqualsAnUninterruptedOne(String job) throws Exception {
        Path clean = dir.resolve(job + "-clean");
        List<String> cleanArgs = new ArrayList<>(List.of(job));
        cleanArgs.addAll(args(job, clean));
        run(cleanArgs);

        Path killed = dir.resolve(job + "-killed");
        Process child = ChildJob.start(job, args(job, killed), dir.resolve(job + "-child.log"));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
        while (ChildJob.partFiles(killed) == 0) {
            assertTrue(child.isAlive(), "the job ended before any partition was committed; log: "
                    + Files.readString(dir.resolve(job + "-child.log")));
            assertTrue(System.nanoTime() < deadline, "no partition committed in time");
            Thread.sleep(20);
        }
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no job commit, no cleanup
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        int committedAtKill = ChildJob.partFiles(killed);
        assertTrue(committedAtKill < PARTITIONS, "killed mid-job: " + committedAtKill + " of " + PARTITIONS);
        assertFalse(Files.exists(killed.resolve("_SUCCESS")), "the killed job never committed");
        int rowsAtKill = OutputRows.all(killed).size();
        assertTrue(rowsAtKill > 0, "committed partitions survive the kill");

        List<String> resumeArgs = new ArrayList<>(List.of(job, "--resume"));
        resumeArgs.addAll(args(job, killed));
        run(resumeArgs);

        Map<String, JsonNode> resumed = OutputRows.byRowId(killed); // fails on a duplicate id
        assertEquals(3 * PARTITIONS + 2, resumed.size());
        OutputRows.assertSameRows(resumed, clean);
        List<JsonNode> runs = RunManifest.runs(killed);
        assertEquals(1, runs.size(), "only the resume finished: " + runs);
        assertEquals(rowsAtKill, runs.get(0).get("rows_committed_before").asInt());
        assertEquals(3 * PARTITIONS + 2 - rowsAtKill, runs.get(0).get("rows").asInt(), "only missing rows computed");
    }

    private static void run(List<String> args) {
        StringWriter err = new StringWriter();
        assertEquals(0, PltCli.execute(new PrintWriter(err, true), args.toArray(String[]::new)), err.toString());
    }
}
