package dev.plt.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.jobs.output.OutputLocation;
import dev.plt.jobs.output.RunManifest;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * Every {@code spark-submit} example of {@code README.md} and {@code docs/CLUSTER.md}, run as printed: each
 * fenced code block whose first line starts with {@code spark-submit} (a command continues on the next line
 * after a trailing backslash) is one example, and one dynamic test runs it with Spark's own launcher (what
 * {@code bin/spark-submit} runs: {@code org.apache.spark.launcher.Main} builds the driver's command, its JVM
 * flags included, and that command runs {@code org.apache.spark.deploy.SparkSubmit} on the Spark jars) from a
 * directory outside the checkout, against a real standalone cluster (master, worker and executor JVMs on
 * 127.0.0.1) and a real HDFS (MiniDFSCluster on 127.0.0.1), one of each for all the examples.
 *
 * <p>Only the documented placeholders are replaced, and nothing else of the example's text:
 * <ul>
 * <li>{@code spark://HOST:7077}: the test cluster's master URL;</li>
 * <li>{@code hdfs://nn:8020}: the test HDFS ({@code hdfs://127.0.0.1:PORT});</li>
 * <li>{@code /models/my-plt}: a small random checkpoint ({@link RandomCheckpoint.Spec#small()}) outside the
 * checkout;</li>
 * <li>{@code plt-jobs-0.1.0-SNAPSHOT-spark.jar} stays as printed: the shaded jar the build made is copied,
 * under that name (which must be the built jar's), into the directory the example runs from.</li>
 * </ul>
 * The test harness, not the example, adds these settings, right after {@code spark-submit} (so any the example
 * sets itself wins): {@code spark.driver.host=127.0.0.1} (loopback only), {@code spark.ui.enabled=false} (no
 * web server), {@code spark.executor.memory=1g} and {@code spark.executor.cores=2} (the test worker's size:
 * 2 cores, 3 GiB). The environment gives the launcher a Spark home ({@code SPARK_HOME}: the Spark jars Maven
 * copied, with {@code SPARK_SCALA_VERSION}, which a distribution's scripts supply) and {@code SPARK_LOCAL_IP=127.0.0.1}.
 *
 * <p>Before each example its input is made (an {@code --input} on the HDFS: a directory ending in {@code /}
 * gets one JSONL part file of {@value #ROWS} text rows) and its output removed, as a user starts; after it,
 * spark-submit must have exited 0, the output must be complete ({@code score}/{@code generate}: part files and
 * a {@code _plt_run.json} holding one finished run of every row, no errors, on the test cluster;
 * {@code evaluate}: {@code metrics.json}, {@code samples/}, {@code report.html}), and the directory it ran
 * from must hold only what it held before.
 *
 * <p>An example printed word for word as an earlier one (README.md and docs/CLUSTER.md print the same
 * {@code score} command) is not submitted a second time: its test takes the earlier run's outcome, and logs so.
 *
 * <p>An example that needs a GPU ({@code --backend cuda}, or a {@code spark.*.resource.gpu.*} setting) cannot
 * run here: its test is aborted (reported as skipped) with the reason, and the reason is logged. The test fails
 * when the README has no spark-submit example at all, or when a spark-submit command sits where the parser
 * would not find it.
 */
class ReadmeExamplesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> DOCUMENTS = List.of("README.md", "docs/CLUSTER.md");
    private static final String SPARK_SUBMIT = "spark-submit";
    private static final String MASTER_PLACEHOLDER = "spark://HOST:7077";
    private static final String HDFS_PLACEHOLDER = "hdfs://nn:8020";
    private static final String MODEL_PLACEHOLDER = "/models/my-plt";
    private static final int ROWS = 12;
    /** The test harness's settings, not the example's: loopback, no UI, executors the size of the test worker. */
    private static final List<String> HARNESS_CONFS = List.of(
            "--conf", "spark.driver.host=127.0.0.1",
            "--conf", "spark.ui.enabled=false",
            "--conf", "spark.executor.memory=1g",
            "--conf", "spark.executor.cores=2");
    private static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(4);

    /** One example: where it is printed and its command as printed (continuation lines joined). */
    record Example(String document, int line, String text) {
        String name() {
            return document + ":" + line;
        }
    }

    /** How an example's run ended: null for a pass, else what it threw (an abort for a skip). */
    private record Outcome(Example example, Throwable failure) {
    }

    /** The outcome of each example run so far, by its text. */
    private static final Map<String, Outcome> OUTCOMES = new LinkedHashMap<>();

    @TempDir
    static Path dir;
    static Path checkout;
    /** Where the user stands: the job jar only. */
    static Path deploy;
    static Path model;
    static Path sparkHome;
    static String jarName;
    static MiniHdfs hdfs;
    static LocalStandaloneCluster cluster;

    @BeforeAll
    static void setUp() throws Exception {
        checkout = Path.of(System.getProperty("user.dir")).resolve("..").toRealPath();
        deploy = Files.createDirectories(dir.resolve("deploy"));
        assertFalse(deploy.toRealPath().startsWith(checkout), deploy + " is outside the checkout " + checkout);
        Path jobJar = Path.of(System.getProperty("plt.jobJar"));
        jarName = jobJar.getFileName().toString();
        Files.copy(jobJar, deploy.resolve(jarName));
        model = RandomCheckpoint.write(dir.resolve("models").resolve("my-plt"), RandomCheckpoint.Spec.small())
                .toAbsolutePath();
        assertFalse(model.toRealPath().startsWith(checkout), model + " is outside the checkout " + checkout);
        sparkHome = Path.of(System.getProperty("plt.sparkHome")).toAbsolutePath();
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
        if (hdfs != null) {
            hdfs.close();
        }
    }

    /** The cluster and the HDFS, started by the first example that runs (none when all are skipped). */
    private static synchronized void startClusterAndHdfs() throws Exception {
        if (hdfs == null) {
            hdfs = MiniHdfs.start(dir.resolve("hdfs"));
        }
        if (cluster == null) {
            LocalStandaloneCluster started = new LocalStandaloneCluster(sparkHome, dir.resolve("cluster"));
            cluster = started;
            started.start(2, "3g");
        }
    }

    @Test
    void theReadmeHasASparkSubmitExample() throws IOException {
        List<Example> readme = examples("README.md");
        assertFalse(readme.isEmpty(), "no fenced code block of README.md starts with spark-submit");
    }

    @Test
    void everySparkSubmitCommandOfTheDocumentsIsAnExample() throws IOException {
        for (String document : DOCUMENTS) {
            List<String> lines = Files.readAllLines(checkout.resolve(document), StandardCharsets.UTF_8);
            boolean inBlock = false;
            boolean exampleBlock = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.strip().startsWith("```")) {
                    inBlock = !inBlock;
                    exampleBlock = inBlock && i + 1 < lines.size() && lines.get(i + 1).startsWith(SPARK_SUBMIT);
                    continue;
                }
                String command = line.strip().replaceFirst("^\\$\\s*", "");
                if (inBlock && !exampleBlock && command.startsWith(SPARK_SUBMIT + " ")) {
                    fail(document + ":" + (i + 1) + " holds a spark-submit command in a code block that does not"
                            + " start with one, which this test would not run: " + line);
                }
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> everyExampleRunsAsPrinted() throws IOException {
        List<Example> all = new ArrayList<>();
        for (String document : DOCUMENTS) {
            all.addAll(examples(document));
        }
        assertFalse(all.isEmpty(), "no spark-submit example in " + DOCUMENTS);
        System.out.println("ReadmeExamplesIT: " + all.size() + " spark-submit examples: "
                + all.stream().map(Example::name).toList());
        return all.stream().map(e -> DynamicTest.dynamicTest(e.name(), () -> runOnce(e)));
    }

    /**
     * Runs an example, or, when an earlier one was printed with the very same text (the README and CLUSTER.md
     * print one command twice), takes that run's outcome: the same command, on the same cluster and HDFS
     * from the same state, would do the same again.
     */
    private static void runOnce(Example example) throws Throwable {
        Outcome earlier = OUTCOMES.get(example.text());
        if (earlier != null) {
            System.out.println("ReadmeExamplesIT: " + example.name() + " is, word for word, " + earlier.example().name()
                    + ", which " + (earlier.failure() == null ? "passed" : "did not pass") + "; not run again");
            if (earlier.failure() instanceof TestAbortedException) {
                Assumptions.abort(example.name() + " is " + earlier.example().name() + ": "
                        + earlier.failure().getMessage());
            }
            if (earlier.failure() != null) {
                throw new AssertionError(example.name() + " is " + earlier.example().name() + ", which failed",
                        earlier.failure());
            }
            return;
        }
        try {
            run(example);
            OUTCOMES.put(example.text(), new Outcome(example, null));
        } catch (Throwable t) {
            OUTCOMES.put(example.text(), new Outcome(example, t));
            throw t;
        }
    }

    /** The spark-submit examples of one document, in order. */
    static List<Example> examples(String document) throws IOException {
        List<String> lines = Files.readAllLines(checkout.resolve(document), StandardCharsets.UTF_8);
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().startsWith("```")) {
                continue;
            }
            int first = i + 1;
            int end = first;
            while (end < lines.size() && !lines.get(end).strip().startsWith("```")) {
                end++;
            }
            assertTrue(end < lines.size(), document + ":" + (i + 1) + ": a code block that is never closed");
            if (first < end && lines.get(first).startsWith(SPARK_SUBMIT)) {
                // Each logical line (backslash continuations joined) of such a block must be one command.
                StringBuilder command = new StringBuilder();
                int start = first;
                for (int j = first; j < end; j++) {
                    String line = lines.get(j);
                    if (command.isEmpty()) {
                        if (line.isBlank()) {
                            continue;
                        }
                        start = j;
                    }
                    command.append(line).append('\n');
                    if (!line.endsWith("\\")) {
                        String text = command.toString();
                        assertTrue(text.startsWith(SPARK_SUBMIT + " "), document + ":" + (start + 1)
                                + ": a line of a spark-submit example that is no spark-submit command: " + text);
                        examples.add(new Example(document, start + 1, text));
                        command.setLength(0);
                    }
                }
                assertTrue(command.isEmpty(), document + ":" + (start + 1) + ": ends in a backslash: " + command);
            }
            i = end;
        }
        return examples;
    }

    private static void run(Example example) throws Exception {
        List<String> printed = words(example.text());
        assertEquals(SPARK_SUBMIT, printed.get(0), example.name());
        List<String> gpu = gpuSettings(printed);
        if (!gpu.isEmpty()) {
            String reason = example.name() + " needs a GPU (" + String.join(", ", gpu)
                    + "): this machine has none and the test cluster's workers offer no GPU resource";
            System.out.println("ReadmeExamplesIT: SKIPPED " + reason);
            Assumptions.abort(reason);
        }
        startClusterAndHdfs();

        List<String> args = new ArrayList<>();
        for (String word : printed.subList(1, printed.size())) {
            args.add(substitute(word));
        }
        int jar = args.indexOf(jarName);
        assertTrue(jar >= 0, example.name() + " submits the built job jar " + jarName + ": " + printed);
        String mainClass = valueOf(args.subList(0, jar), "--class");
        List<String> appArgs = args.subList(jar + 1, args.size());

        // The state a user starts from: the input there, the output not yet.
        String input = valueOf(appArgs, "--input");
        if (input != null) {
            prepareInput(example, input);
        }
        String output = valueOf(appArgs, "--output");
        assertTrue(output != null, example.name() + " names no --output: this test cannot check what it wrote");
        OutputLocation out = OutputLocation.of("--output", output, hdfs.configuration());
        out.fs().delete(out.path(), true);
        List<String> before = listing(deploy);

        List<String> submit = new ArrayList<>(HARNESS_CONFS);
        submit.addAll(args);
        Path log = Files.createDirectories(dir.resolve("logs")).resolve(example.name().replaceAll("[^A-Za-z0-9.]", "_")
                + ".log");
        long start = System.nanoTime();
        int code = sparkSubmit(deploy, submit, log);
        System.out.printf("ReadmeExamplesIT: %s: spark-submit %s exited %d in %.1f s%n", example.name(),
                String.join(" ", submit), code, (System.nanoTime() - start) / 1e9);
        assertEquals(0, code, example.name() + ": spark-submit failed; its log " + log + ":\n" + tail(log));

        switch (mainClass == null ? "" : mainClass) {
            case "dev.plt.jobs.submit.Score", "dev.plt.jobs.submit.Generate" -> assertDatasetOutput(example, out);
            case "dev.plt.jobs.submit.Evaluate" -> assertEvaluationOutput(example, out);
            default -> fail(example.name() + ": --class " + mainClass + " is none of the job mains");
        }
        assertEquals(before, listing(deploy), example.name() + ": the directory it ran from is as it was");
    }

    /** The words of a command as a POSIX shell splits them (quotes, backslash escapes, continuation lines). */
    static List<String> words(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\\' && i + 1 < command.length()) {
                char next = command.charAt(++i);
                if (next != '\n') {
                    word = word == null ? new StringBuilder() : word;
                    if (quote == '"' && "\"\\$`".indexOf(next) < 0) {
                        word.append(c);
                    }
                    word.append(next);
                }
            } else if (quote == '"') {
                assertFalse(c == '$' || c == '`', "a shell expansion this test does not do, in: " + command);
                if (c == '"') {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                // Expansions, redirections, pipes and lists, and a comment or ~ starting a word, are the shell's.
                assertFalse("$`|&;<>()".indexOf(c) >= 0 || (word == null && (c == '#' || c == '~')),
                        "a shell character this test does not interpret, '" + c + "', in: " + command);
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        assertEquals(0, quote, "an unclosed quote in: " + command);
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    /** The settings of a command that need a GPU, as printed; none for a command that runs on CPUs. */
    static List<String> gpuSettings(List<String> words) {
        List<String> gpu = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (word.equals("--backend") && i + 1 < words.size() && words.get(i + 1).startsWith("cuda")) {
                gpu.add("--backend " + words.get(i + 1));
            } else if (word.startsWith("--backend=cuda")) {
                gpu.add(word);
            } else if (word.matches("spark\\.(executor|driver|task)\\.resource\\.gpu\\..*")) {
                gpu.add(word);
            }
        }
        return gpu;
    }

    private static String substitute(String word) {
        String w = word.replace(MASTER_PLACEHOLDER, cluster.masterUrl());
        if (w.contains(HDFS_PLACEHOLDER)) {
            w = w.replace(HDFS_PLACEHOLDER, hdfs.uri().toString());
        }
        if (w.equals(MODEL_PLACEHOLDER) || w.startsWith(MODEL_PLACEHOLDER + "/")) {
            w = model + w.substring(MODEL_PLACEHOLDER.length());
        }
        return w;
    }

    /** The value after {@code option} (or in {@code option=value}); null when it is not there. */
    private static String valueOf(List<String> args, String option) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals(option) && i + 1 < args.size()) {
                return args.get(i + 1);
            }
            if (args.get(i).startsWith(option + "=")) {
                return args.get(i).substring(option.length() + 1);
            }
        }
        return null;
    }

    /** Writes the example's input on the HDFS: a directory (ending in /) of one JSONL part file, or a JSONL file. */
    private static void prepareInput(Example example, String input) throws IOException {
        String prefix = hdfs.uri().toString();
        assertTrue(input.startsWith(prefix + "/"), example.name() + " reads " + input
                + ", not a path on hdfs://nn:8020: teach this test to make that input");
        String path = input.substring(prefix.length());
        String file;
        if (path.endsWith("/")) {
            file = path + "part-00000.jsonl";
        } else if (path.endsWith(".jsonl")) {
            file = path;
        } else {
            throw new AssertionError(example.name() + " reads " + input
                    + ": neither a directory (ending in /) nor a .jsonl file; teach this test to make that input");
        }
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < ROWS; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", i);
            row.put("text", "Row " + i + ": to be, or not to be, that is the question" + ".".repeat(i));
            jsonl.append(JSON.writeValueAsString(row)).append('\n');
        }
        Path local = Files.writeString(dir.resolve("prompts.jsonl"), jsonl);
        hdfs.fileSystem().delete(new org.apache.hadoop.fs.Path(hdfs.uri(path)), true);
        hdfs.copyIn(local, file);
    }

    /** score/generate: part files and a run record of one finished run over every row, on the test cluster. */
    private static void assertDatasetOutput(Example example, OutputLocation out) {
        List<String> names = out.list().stream().map(s -> s.getPath().getName()).sorted().toList();
        assertTrue(names.stream().anyMatch(n -> n.startsWith("part-")), example.name() + ": part files in "
                + out.path() + ": " + names);
        assertTrue(names.contains(RunManifest.FILE), example.name() + ": " + RunManifest.FILE + " in " + names);
        JsonNode record = RunManifest.readRaw(out).orElseThrow();
        assertTrue(record.path("complete").asBoolean(), example.name() + ": a complete run record: " + record);
        List<JsonNode> runs = RunManifest.runs(out);
        assertEquals(1, runs.size(), example.name() + ": one run: " + runs);
        JsonNode run = runs.get(0);
        assertEquals(cluster.masterUrl(), run.path("master").asText(), example.name() + ": ran on the cluster: " + run);
        assertEquals(ROWS, run.path("rows").asInt(), example.name() + ": every input row: " + run);
        assertEquals(0, run.path("errors").asInt(), example.name() + ": no row failed: " + run);
    }

    /** evaluate: metrics.json, samples/ and report.html. */
    private static void assertEvaluationOutput(Example example, OutputLocation out) {
        List<String> names = out.list().stream().map(FileStatus::getPath).map(org.apache.hadoop.fs.Path::getName)
                .sorted().toList();
        for (String expected : List.of("metrics.json", "samples", "report.html")) {
            assertTrue(names.contains(expected), example.name() + ": " + expected + " in " + out.path() + ": " + names);
        }
    }

    private static List<String> listing(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.map(p -> directory.relativize(p).toString()).sorted().toList();
        }
    }

    /**
     * Runs spark-submit as {@code bin/spark-submit} does: Spark's launcher ({@code org.apache.spark.launcher.Main},
     * on the Spark jars) prints the driver's command, which then runs in {@code workDir}; returns its exit code.
     */
    private static int sparkSubmit(Path workDir, List<String> arguments, Path log) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> launcher = new ArrayList<>(List.of(java, "-Xmx128m", "-cp",
                sparkHome.resolve("jars") + File.separator + "*", "org.apache.spark.launcher.Main",
                "org.apache.spark.deploy.SparkSubmit"));
        launcher.addAll(arguments);
        ProcessBuilder build = new ProcessBuilder(launcher).directory(workDir.toFile())
                .redirectError(dir.resolve("launcher.err").toFile());
        sparkEnvironment(build.environment());
        Process builder = build.start();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        builder.getInputStream().transferTo(printed);
        assertTrue(builder.waitFor(60, TimeUnit.SECONDS), "Spark's launcher did not finish");
        assertEquals(0, builder.exitValue(), "Spark's launcher failed: " + Files.readString(dir.resolve("launcher.err")));
        // As bin/spark-class reads it: lines of messages, a line holding only NUL, then the command, NUL after each word.
        String out = printed.toString(StandardCharsets.UTF_8);
        int marker = out.startsWith("\0\n") ? 0 : out.indexOf("\n\0\n") + 1;
        assertTrue(marker >= 0 && out.startsWith("\0\n", marker), "no command from Spark's launcher: " + out);
        String messages = out.substring(0, marker);
        List<String> command = List.of(out.substring(marker + 2).split("\0"));
        Files.writeString(log, messages + "driver command: " + String.join(" ", command) + "\n");
        ProcessBuilder driver = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        sparkEnvironment(driver.environment());
        Process submit = driver.start();
        try {
            if (!submit.waitFor(SUBMIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("spark-submit did not finish in " + SUBMIT_TIMEOUT + "; log " + log
                        + ":\n" + tail(log));
            }
            return submit.exitValue();
        } finally {
            submit.descendants().forEach(ProcessHandle::destroyForcibly);
            submit.destroyForcibly();
        }
    }

    /** What a Spark distribution's scripts put in the environment, on loopback. */
    private static void sparkEnvironment(Map<String, String> env) {
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("JAVA_HOME", System.getProperty("java.home"));
    }

    private static String tail(Path log) throws IOException {
        String text = Files.readString(log);
        return text.length() <= 20_000 ? text : "..." + text.substring(text.length() - 20_000);
    }
}
