package dev.plt.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.jobs.SharedSpark;
import dev.plt.jobs.cli.PltCli;
import dev.plt.jobs.output.OutputRows;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code generate} on a real standalone cluster (master and two workers on loopback, one executor
 * JVM each) loses an executor mid-job: the test kills one worker's executor JVM with SIGKILL once the
 * job has committed its first partition. Spark reruns the lost tasks on the surviving executor (and
 * on the one the worker starts in its place), the job succeeds, and its output equals that of a
 * clean run on local[2]: the same row ids, nothing lost or duplicated, the same generations.
 */
class StandaloneClusterExecutorLossIT {
    @BeforeEach
    void ownSpark() {
        SharedSpark.stop(); // the jobs here start Spark with their own settings (HDFS, warehouse, master)
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARTITIONS = 16;

    @TempDir
    Path dir;

    @Test
    void theJobSurvivesALostExecutorAndItsOutputEqualsACleanRun() throws Exception {
        Path model = RandomCheckpoint.write(dir.resolve("model"),
                RandomCheckpoint.Spec.small().withShape(256, 512, 4, 4, 2, 64, 300));
        Random random = new Random(9);
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 3 * PARTITIONS; i++) {
            StringBuilder text = new StringBuilder();
            for (int c = 20 + random.nextInt(60); c > 0; c--) {
                text.append((char) ('a' + random.nextInt(26)));
            }
            jsonl.append(JSON.writeValueAsString(Map.of("id", i, "text", text.toString()))).append('\n');
        }
        Path input = Files.writeString(dir.resolve("in.jsonl"), jsonl);
        List<String> jobArgs = List.of("--model", model.toString(), "--input", input.toString(), "--partitions",
                String.valueOf(PARTITIONS), "--batch-size", "2", "--max-new-tokens", "24", "--output-format", "jsonl");

        Path clean = dir.resolve("clean");
        List<String> local = new ArrayList<>(List.of("generate", "--master", "local[2]", "--output", clean.toString()));
        local.addAll(jobArgs);
        StringWriter err = new StringWriter();
        assertEquals(0, PltCli.execute(new PrintWriter(err, true), local.toArray(String[]::new)), err.toString());

        Path sparkHome = Path.of(System.getProperty("plt.sparkHome"));
        Path jobJar = Path.of(System.getProperty("plt.jobJar"));
        try (LocalStandaloneCluster cluster = new LocalStandaloneCluster(sparkHome, dir.resolve("cluster"))) {
            cluster.start(2, 1, "2g");
            Path output = dir.resolve("cluster-out");
            List<String> submit = new ArrayList<>(List.of(
                    "--master", cluster.masterUrl(),
                    "--deploy-mode", "client",
                    "--class", "dev.plt.jobs.submit.Generate",
                    "--conf", "spark.executor.memory=1g",
                    "--conf", "spark.executor.cores=1",
                    "--conf", "spark.cores.max=2",
                    "--conf", "spark.executor.extraJavaOptions=" + String.join(" ", LocalStandaloneCluster.jvmFlags()),
                    "--conf", "spark.driver.host=127.0.0.1",
                    "--conf", "spark.ui.enabled=false",
                    jobJar.toString(),
                    "--output", output.toString()));
            submit.addAll(jobArgs);
            Path log = dir.resolve("submit.log");
            Process job = cluster.startSubmit(submit, log);

            Process victim = cluster.workers().get(0);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
            List<ProcessHandle> executors = List.of();
            while (committedParts(output) == 0 || executors.isEmpty()) {
                assertTrue(job.isAlive(), "the job ended before the executor could be killed:\n" + Files.readString(log));
                assertTrue(System.nanoTime() < deadline, "no partition committed in time:\n" + Files.readString(log));
                Thread.sleep(20);
                executors = LocalStandaloneCluster.executorsOf(victim);
            }
            executors.forEach(ProcessHandle::destroyForcibly);
            int committedAtKill = committedParts(output);
            assertTrue(committedAtKill < PARTITIONS, "killed mid-job: " + committedAtKill + " of " + PARTITIONS);

            assertEquals(0, LocalStandaloneCluster.waitFor(job, log, Duration.ofMinutes(6)),
                    "spark-submit failed:\n" + Files.readString(log));
            String driverLog = Files.readString(log);
            assertTrue(driverLog.contains("Lost executor") || driverLog.contains("lost executor")
                    || driverLog.contains("Executor lost"), "the driver saw the executor go:\n" + driverLog);
            assertFalse(executors.stream().anyMatch(ProcessHandle::isAlive));
            Map<String, com.fasterxml.jackson.databind.JsonNode> rows = OutputRows.byRowId(output); // no duplicate ids
            assertEquals(3 * PARTITIONS, rows.size());
            OutputRows.assertSameRows(rows, clean);
        }
    }

    private static int committedParts(Path output) throws java.io.IOException {
        if (!Files.isDirectory(output)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(output)) {
            return (int) files.filter(p -> p.getFileName().toString().startsWith("part-")).count();
        }
    }
}
