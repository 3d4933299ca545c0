package dev.plt.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plt.jobs.SharedSpark;
import dev.plt.jobs.cli.PltCli;
import dev.plt.jobs.output.OutputLocation;
import dev.plt.jobs.output.OutputRows;
import dev.plt.jobs.output.RowIds;
import dev.plt.jobs.output.RunManifest;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code score} as users deploy it: the shaded job jar, copied to a directory outside the checkout,
 * submitted from there with Spark's own spark-submit to a real standalone cluster (master, worker and
 * executor JVMs on loopback), reading its input from and writing its output to a real HDFS. Its rows
 * equal, bitwise, those of the same job on local[2] between local files; and so do those of the job
 * writing a catalog table whose warehouse is on the HDFS, read back through a new Spark session.
 */
class StandaloneClusterHdfsIT {
    @BeforeEach
    void ownSpark() {
        SharedSpark.stop(); // the jobs here start Spark with their own settings (HDFS, warehouse, master)
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 40;
    /** The settings every run here shares: they, and the model, decide every value of every row. */
    private static final List<String> JOB_SETTINGS = List.of("--per-token", "--partitions", "4", "--batch-size", "4");

    @TempDir
    static Path dir;
    /** Where a user would stand: the job jar, the model and the input, none of them in the checkout. */
    static Path deploy;
    static Path model;
    static Path localInput;
    static MiniHdfs hdfs;
    static String hdfsInput;
    /** The rows of score on local[2] from and to local files, by row id. */
    static Map<String, JsonNode> expected;

    @BeforeAll
    static void setUp() throws Exception {
        deploy = Files.createDirectories(dir.resolve("deploy"));
        Path checkout = Path.of(System.getProperty("user.dir")).resolve("..").toRealPath();
        assertFalse(deploy.toRealPath().startsWith(checkout), deploy + " is outside the checkout " + checkout);
        model = RandomCheckpoint.write(deploy.resolve("model"), RandomCheckpoint.Spec.small());
        localInput = Files.writeString(deploy.resolve("in.jsonl"), input());

        hdfs = MiniHdfs.start(dir.resolve("hdfs"));
        hdfsInput = hdfs.copyIn(localInput, "/data/in.jsonl");

        Path localOutput = dir.resolve("local-out");
        runInProcess(concat(List.of("score", "--master", "local[2]", "--model", model.toString(), "--input",
                localInput.toString(), "--output", localOutput.toString(), "--output-format", "jsonl"), JOB_SETTINGS));
        expected = OutputRows.byRowId(localOutput);
        assertEquals(ROWS, expected.size(), "one row per input line");
        for (JsonNode row : expected.values()) {
            assertNull(row.get("error"), "scored without error: " + row);
            assertTrue(row.get("token_logprobs").size() > 0, "per-token log-probabilities: " + row);
        }
    }

    @AfterAll
    static void stopHdfs() throws IOException {
        if (hdfs != null) {
            hdfs.close();
        }
    }

    /** Text rows of varied lengths and characters, one of them twice (the same content, two row ids). */
    private static String input() throws IOException {
        Random random = new Random(11);
        String alphabet = "abcdefghijklmnopqrstuvwxyz     .,;!?\u00e9\u00df\u4e2d\u6587";
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < ROWS - 1; i++) {
            StringBuilder text = new StringBuilder();
            for (int c = 5 + random.nextInt(90); c > 0; c--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", i);
            row.put("text", text.toString());
            jsonl.append(JSON.writeValueAsString(row)).append('\n');
            if (i == 7) {
                jsonl.append(JSON.writeValueAsString(row)).append('\n');
            }
        }
        return jsonl.toString();
    }

    @Test
    void scoreSubmittedToTheClusterFromAndToHdfsEqualsTheLocalRunBitwise() throws Exception {
        String output = hdfs.uri("/out/score");
        Path sparkHome = Path.of(System.getProperty("plt.sparkHome"));
        Path jobJar = Files.copy(Path.of(System.getProperty("plt.jobJar")), deploy.resolve("plt-jobs-spark.jar"));
        try (LocalStandaloneCluster cluster = new LocalStandaloneCluster(sparkHome, dir.resolve("cluster"))) {
            cluster.start(2, "3g");
            List<String> submit = new ArrayList<>(List.of(
                    "--master", cluster.masterUrl(),
                    "--deploy-mode", "client",
                    "--class", "dev.plt.jobs.submit.Score",
                    "--conf", "spark.executor.memory=1g",
                    "--conf", "spark.executor.cores=2",
                    "--conf", "spark.executor.extraJavaOptions=" + String.join(" ", LocalStandaloneCluster.jvmFlags()),
                    "--conf", "spark.driver.host=127.0.0.1",
                    "--conf", "spark.ui.enabled=false",
                    // Paths as a user in this directory types them: the jar and the model relative to it.
                    deploy.relativize(jobJar).toString(),
                    "--model", deploy.relativize(model).toString(),
                    "--input", hdfsInput,
                    "--output", output,
                    "--output-format", "jsonl"));
            submit.addAll(JOB_SETTINGS);
            Path log = dir.resolve("submit.log");
            int code = submitFrom(deploy, sparkHome, submit, log, Duration.ofMinutes(6));
            assertEquals(0, code, "spark-submit failed:\n" + Files.readString(log));
        }

        // Everything the job wrote is on HDFS: nothing in the directory it ran from but what was there.
        try (Stream<Path> files = Files.list(deploy)) {
            assertEquals(List.of("in.jsonl", "model", "plt-jobs-spark.jar"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "the working directory");
        }
        List<JsonNode> runs = RunManifest.runs(OutputLocation.of("--output", output, hdfs.configuration()));
        assertEquals(1, runs.size(), runs.toString());
        assertTrue(runs.get(0).get("master").asText().startsWith("spark://"), runs.toString());
        assertEquals(ROWS, runs.get(0).get("rows").asInt());
        assertEquals(0, runs.get(0).get("errors").asInt());

        assertFalse(hdfs.readDirectory("/out/score", "part-").isEmpty(), "part files on HDFS");
        assertSameRows(expected, rowsById(hdfs.readLines("/out/score", "part-")), output);
    }

    @Test
    void scoreIntoACatalogTableInAnHdfsWarehouseEqualsTheLocalRunBitwise() throws Exception {
        String warehouse = hdfs.uri("/warehouse");
        runInProcess(concat(List.of("score", "--master", "local[2]", "--model", model.toString(), "--input", hdfsInput,
                "--output-table", "plt_it.scores", "--conf", "spark.sql.warehouse.dir=" + warehouse), JOB_SETTINGS));

        // A managed table lives in its database's directory in the warehouse: on HDFS here.
        String tableDir = "/warehouse/plt_it.db/scores";
        assertTrue(hdfs.exists(tableDir), "the table's directory " + hdfs.uri(tableDir) + " exists");
        assertFalse(hdfs.readDirectory(tableDir, "part-").isEmpty(), "the table's files are on HDFS");

        SparkSession spark = SparkSession.builder().master("local[1]").appName("read plt_it.scores")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.warehouse.dir", warehouse)
                .getOrCreate();
        try {
            if (!spark.catalog().tableExists("plt_it.scores")) {
                // Spark's built-in catalog lives as long as its session: a new one finds the table by its place
                // in the warehouse, as any later session of the user's would.
                spark.sql("CREATE DATABASE IF NOT EXISTS plt_it");
                spark.sql("CREATE TABLE plt_it.scores USING " + formatOf(tableDir) + " LOCATION '"
                        + hdfs.uri(tableDir) + "'");
            }
            List<String> rows = spark.table("plt_it.scores").toJSON().collectAsList();
            assertSameRows(expected, rowsById(rows), "table plt_it.scores");
        } finally {
            spark.stop();
        }
    }

    /** The data source of a table's files, from their names (Parquet unless they are JSON). */
    private static String formatOf(String tableDir) throws IOException {
        List<String> parts = List.copyOf(hdfs.readDirectory(tableDir, "part-").keySet());
        if (parts.stream().allMatch(n -> n.endsWith(".parquet"))) {
            return "parquet";
        }
        if (parts.stream().allMatch(n -> n.endsWith(".json"))) {
            return "json";
        }
        throw new AssertionError("table files of an unexpected format: " + parts);
    }

    /** Rows as JSON by row id, without latency_ms (wall time); fails on a duplicate id. */
    private static Map<String, JsonNode> rowsById(List<String> jsonRows) throws IOException {
        Map<String, JsonNode> rows = new TreeMap<>();
        for (String line : jsonRows) {
            ObjectNode row = (ObjectNode) JSON.readTree(line);
            row.remove("latency_ms");
            JsonNode previous = rows.put(row.get(RowIds.COLUMN).asText(), row);
            assertNull(previous, "row id " + row.get(RowIds.COLUMN) + " appears twice");
        }
        return rows;
    }

    /**
     * The same row ids, and each row the same columns with the same values: numbers compare as Jackson
     * reads them (Double.compare of the doubles Spark wrote), so every score is bitwise the local one.
     */
    /**
     * evaluate reads its task data from HDFS (copied to the driver) and writes its output to HDFS; the
     * metrics equal those of the same evaluation on local data, bitwise.
     */
    @Test
    void evaluateReadsTaskDataFromHdfsAndWritesToHdfs() throws Exception {
        StringBuilder rows = new StringBuilder();
        String[][] questions = {{"Which colour is the sky?", "blue", "green", "red"}, {"What is 2 + 3?", "4", "5", "six"},
            {"Which animal barks?", "dog", "cat", "cow"}, {"Where is Paris?", "France", "Peru", "Mars"}};
        for (int i = 0; i < questions.length; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", "q" + i);
            row.put("question", questions[i][0]);
            row.put("choices", Map.of("text", List.of(questions[i][1], questions[i][2], questions[i][3]),
                    "label", List.of("A", "B", "C")));
            row.put("answerKey", "A");
            rows.append(JSON.writeValueAsString(row)).append('\n');
        }
        Path localData = Files.writeString(dir.resolve("mc.jsonl"), rows);
        String hdfsData = hdfs.copyIn(localData, "/tasks/mc.jsonl");
        runInProcess(List.of("evaluate", "--master", "local[1]", "--model", model.toString(), "--task", "mc_jsonl",
                "--data", localData.toString(), "--output", dir.resolve("eval-local").toString()));
        String hdfsOut = hdfs.uri("/eval/mc");
        runInProcess(List.of("evaluate", "--master", "local[1]", "--model", model.toString(), "--task", "mc_jsonl",
                "--data", hdfsData, "--output", hdfsOut));
        JsonNode local = JSON.readTree(dir.resolve("eval-local/metrics.json").toFile());
        JsonNode remote;
        try (var in = hdfs.fileSystem().open(new org.apache.hadoop.fs.Path(hdfsOut + "/metrics.json"))) {
            remote = JSON.readTree(in);
        }
        assertEquals(questions.length, remote.get("n").asInt());
        assertEquals(local.get("metrics"), remote.get("metrics"), "the same metrics from HDFS data");
        assertTrue(hdfs.fileSystem().exists(new org.apache.hadoop.fs.Path(hdfsOut + "/_plt_run.json")));
    }

    /**
     * An hdfs:// output that cannot be written (under a file) or that would replace what plt did not write is
     * refused before any model runs, in one line, and nothing is left on HDFS.
     */
    @Test
    void anUnwritableOrForeignHdfsOutputFailsBeforeAnyWorkAndLeavesNothing() throws Exception {
        org.apache.hadoop.fs.FileSystem fs = hdfs.fileSystem();
        fs.mkdirs(new org.apache.hadoop.fs.Path("/foreign"));
        try (var out = fs.create(new org.apache.hadoop.fs.Path("/foreign/notes.txt"))) {
            out.write("a user's file".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        List<String> before = listing(fs);
        String underAFile = refused(hdfs.uri("/data/in.jsonl/out"));
        assertTrue(underAFile.contains("--output " + hdfs.uri("/data/in.jsonl/out")), underAFile);
        String foreign = refused(hdfs.uri("/foreign"), "--overwrite");
        assertTrue(foreign.contains("plt did not write"), foreign);
        assertEquals(before, listing(fs), "nothing written, nothing removed on HDFS");
    }

    private static String refused(String output, String... extra) {
        List<String> args = new ArrayList<>(List.of("score", "--master", "local[1]", "--model", model.toString(),
                "--input", hdfsInput, "--output", output));
        args.addAll(List.of(extra));
        StringWriter err = new StringWriter();
        assertEquals(PltCli.EXIT_BAD_SETUP, PltCli.execute(new PrintWriter(err, true), args.toArray(String[]::new)),
                err.toString());
        String line = err.toString().strip();
        assertEquals(1, line.lines().count(), line);
        assertFalse(line.contains("Exception"), line);
        return line;
    }

    private static List<String> listing(org.apache.hadoop.fs.FileSystem fs) throws IOException {
        List<String> out = new ArrayList<>();
        var files = fs.listFiles(new org.apache.hadoop.fs.Path("/"), true);
        while (files.hasNext()) {
            var f = files.next();
            out.add(f.getPath().toUri().getPath() + " " + f.getLen() + " " + f.getModificationTime());
        }
        out.sort(null);
        return out;
    }

    private static void assertSameRows(Map<String, JsonNode> expected, Map<String, JsonNode> actual, String what) {
        assertEquals(expected.keySet(), actual.keySet(), "row ids of " + what);
        for (Map.Entry<String, JsonNode> row : expected.entrySet()) {
            assertEquals(row.getValue(), actual.get(row.getKey()), "row " + row.getKey() + " of " + what);
        }
    }

    private static void runInProcess(List<String> args) {
        StringWriter err = new StringWriter();
        assertEquals(0, PltCli.execute(new PrintWriter(err, true), args.toArray(String[]::new)),
                "plt " + String.join(" ", args) + ":\n" + err);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /**
     * Runs Spark's spark-submit main (on the Spark jars, as bin/spark-submit does) in {@code workDir} and
     * returns its exit code; it inherits this JVM's environment (SPARK_LOCAL_IP is set by the build).
     */
    private static int submitFrom(Path workDir, Path sparkHome, List<String> arguments, Path log, Duration timeout)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(LocalStandaloneCluster.jvmFlags());
        command.add("-Xmx1g");
        command.add("-cp");
        command.add(sparkHome.resolve("jars").toAbsolutePath() + File.separator + "*");
        command.add("org.apache.spark.deploy.SparkSubmit");
        command.addAll(arguments);
        Process submit = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            if (!submit.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("spark-submit did not finish in " + timeout + "; log: " + log);
            }
            return submit.exitValue();
        } finally {
            submit.descendants().forEach(ProcessHandle::destroyForcibly);
            submit.destroyForcibly();
        }
    }
}
