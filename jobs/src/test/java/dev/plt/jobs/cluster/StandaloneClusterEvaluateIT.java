package dev.plt.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.jobs.SharedSpark;
import dev.plt.jobs.cli.PltCli;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evaluate} through the shaded job jar on a real standalone cluster (master, worker and
 * executor JVMs on loopback), submitted as spark-submit does: its metrics equal those of the same
 * evaluation on local[2], and each executor JVM loaded the model once for all its tasks.
 */
class StandaloneClusterEvaluateIT {
    @BeforeEach
    void ownSpark() {
        SharedSpark.stop(); // the jobs here start Spark with their own settings (HDFS, warehouse, master)
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void clusterEvaluationEqualsTheLocalOneAndLoadsTheModelOncePerExecutor() throws Exception {
        Path model = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.Spec.small());
        List<String> evaluateArgs = List.of("--model", model.toString(), "--task", "multihop", "--limit", "6",
                "--partitions", "6", "--batch-size", "4");

        List<String> local = new ArrayList<>(List.of("evaluate", "--master", "local[2]", "--output",
                dir.resolve("local").toString()));
        local.addAll(evaluateArgs);
        StringWriter err = new StringWriter();
        assertEquals(0, PltCli.execute(new PrintWriter(err, true), local.toArray(String[]::new)), err.toString());

        Path sparkHome = Path.of(System.getProperty("plt.sparkHome"));
        Path jobJar = Path.of(System.getProperty("plt.jobJar"));
        try (LocalStandaloneCluster cluster = new LocalStandaloneCluster(sparkHome, dir.resolve("cluster"))) {
            cluster.start(2, "3g");
            String executorFlags = String.join(" ", LocalStandaloneCluster.jvmFlags());
            List<String> submit = new ArrayList<>(List.of(
                    "--master", cluster.masterUrl(),
                    "--deploy-mode", "client",
                    "--class", "dev.plt.jobs.submit.Evaluate",
                    "--conf", "spark.executor.memory=1g",
                    "--conf", "spark.executor.cores=2",
                    "--conf", "spark.executor.extraJavaOptions=" + executorFlags,
                    "--conf", "spark.driver.host=127.0.0.1",
                    "--conf", "spark.ui.enabled=false",
                    jobJar.toString(),
                    "--output", dir.resolve("cluster-out").toString(),
                    "--datasets", dir.toString()));
            submit.addAll(evaluateArgs);
            Path log = dir.resolve("submit.log");
            int code = cluster.submit(submit, log, Duration.ofMinutes(6));
            assertEquals(0, code, "spark-submit failed:\n" + Files.readString(log));

            JsonNode localMetrics = JSON.readTree(dir.resolve("local/metrics.json").toFile());
            JsonNode clusterMetrics = JSON.readTree(dir.resolve("cluster-out/metrics.json").toFile());
            assertEquals(localMetrics.get("n"), clusterMetrics.get("n"));
            assertEquals(localMetrics.get("metrics"), clusterMetrics.get("metrics"), "same metrics on the cluster");
            assertEquals(0, clusterMetrics.get("errors").asInt());
            assertTrue(clusterMetrics.get("settings").get("master").asText().startsWith("spark://"));

            List<Path> executorLogs = executorLogs(cluster.workDir().resolve("executors"));
            assertTrue(!executorLogs.isEmpty(), "executor logs exist");
            for (Path executorLog : executorLogs) {
                long loads = Files.readString(executorLog).lines().filter(l -> l.contains("Loading model")).count();
                assertTrue(loads <= 1, executorLog + " loaded the model " + loads + " times");
            }
            long totalLoads = 0;
            for (Path executorLog : executorLogs) {
                totalLoads += Files.readString(executorLog).lines().filter(l -> l.contains("Loading model")).count();
            }
            assertTrue(totalLoads >= 1, "some executor loaded the model");
        }
    }

    private static List<Path> executorLogs(Path executors) throws IOException {
        try (Stream<Path> files = Files.walk(executors)) {
            return files.filter(p -> p.getFileName().toString().equals("stderr")).toList();
        }
    }
}
