package dev.plt.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.jobs.batch.ScoreCommand;
import dev.plt.model.inference.EngineOptions;
import dev.plt.model.inference.PltModel;
import dev.plt.model.inference.TokenScores;
import dev.plt.udfs.registry.ModelRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * What the Spark job path costs over the bare engine: the same rows of token ids scored by direct
 * engine calls (one thread, the job's micro-batch size) and by {@code plt score} on local[1] and
 * local[2] (one engine thread per task), whose outputs must equal the bare engine's bit for bit.
 * Each job starts with no model loaded, as a fresh job would. The first Spark job of a JVM also pays
 * for Spark's class loading and code generation (seconds to minutes on a busy machine), which would
 * make whichever master runs first look slow: an untimed job on a few rows goes first, and its wall
 * time is reported on its own as the cold start.
 */
final class SparkScoreBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH_SIZE = 16;
    private static final List<String> MASTERS = List.of("local[1]", "local[2]");
    private static final int COLD_START_ROWS = 2;

    private SparkScoreBench() {
    }

    static BenchReport.Spark run(Path model, String variant, String dtype, int rows, int tokensPerRow, Path workDir,
            Consumer<String> progress) throws IOException {
        Files.createDirectories(workDir);
        List<int[]> sequences = new ArrayList<>();
        long start = System.nanoTime();
        double[] bare = new double[rows];
        double loadSeconds;
        try (PltModel engine = PltModel.load(model, EngineOptions.defaults().withThreads(1))) {
            loadSeconds = (System.nanoTime() - start) / 1e9;
            SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < rows; i++) {
                sequences.add(random.ints(tokensPerRow, 0, engine.config().vocabSize()).toArray());
            }
            progress.accept("spark: " + rows + " rows x " + tokensPerRow + " tokens through the bare engine");
            start = System.nanoTime();
            for (int from = 0; from < rows; from += BATCH_SIZE) {
                List<TokenScores> scores = engine.score(sequences.subList(from, Math.min(rows, from + BATCH_SIZE)));
                for (int i = 0; i < scores.size(); i++) {
                    bare[from + i] = scores.get(i).total();
                }
            }
        }
        double scoreSeconds = (System.nanoTime() - start) / 1e9;
        Path input = writeRows(workDir.resolve("rows.jsonl"), sequences);
        Path coldInput = writeRows(workDir.resolve("rows-cold-start.jsonl"),
                sequences.subList(0, Math.min(rows, COLD_START_ROWS)));

        progress.accept("spark: cold start, plt score on local[1] over " + Math.min(rows, COLD_START_ROWS) + " rows");
        double coldStartSeconds = scoreJob(model, coldInput, workDir.resolve("score-cold-start"), "local[1]");
        List<BenchReport.SparkJob> jobs = new ArrayList<>();
        boolean identical = true;
        for (String master : MASTERS) {
            progress.accept("spark: plt score on " + master);
            Path output = workDir.resolve("score-" + master.replaceAll("[^A-Za-z0-9]", ""));
            double seconds = scoreJob(model, input, output, master);
            jobs.add(new BenchReport.SparkJob(master, seconds, rows / seconds));
            identical &= sameTotals(output, bare);
        }
        double bareSeconds = loadSeconds + scoreSeconds;
        double local1 = jobs.get(0).seconds();
        double local2 = jobs.get(1).seconds();
        return new BenchReport.Spark(variant, dtype, rows, tokensPerRow, loadSeconds, scoreSeconds, rows / scoreSeconds,
                coldStartSeconds, List.copyOf(jobs), local1 / bareSeconds, local1 / local2, identical);
    }

    private static Path writeRows(Path file, List<int[]> sequences) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < sequences.size(); i++) {
            lines.append(JSON.writeValueAsString(Map.of("id", i, "input_ids", sequences.get(i)))).append('\n');
        }
        return Files.writeString(file, lines);
    }

    /**
     * Runs {@code plt score} in this JVM and returns its wall time. The driver binds to loopback: in
     * local mode nothing else needs to reach it, and a host name that resolves slowly would be timed too.
     */
    private static double scoreJob(Path model, Path input, Path output, String master) {
        ModelRegistry.releaseAll(); // so this job loads the model itself, like a fresh job
        PrintStream stdout = System.out;
        long start = System.nanoTime();
        int code;
        try {
            // The job prints its summary on stdout; the bench keeps stdout for the markdown table.
            System.setOut(System.err);
            code = new CommandLine(new ScoreCommand()).setErr(new PrintWriter(System.err, true)).execute(
                    "--model", model.toString(),
                    "--input", input.toString(), "--ids-col", "input_ids", "--output", output.toString(),
                    "--output-format", "jsonl", "--overwrite", "--master", master, "--partitions", "2",
                    "--threads", "1", "--batch-size", String.valueOf(BATCH_SIZE),
                    "--conf", "spark.driver.bindAddress=127.0.0.1", "--conf", "spark.driver.host=127.0.0.1");
        } finally {
            System.setOut(stdout);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (code != 0) {
            throw new IllegalStateException("plt score on " + master + " exited with " + code + " (see the messages above)");
        }
        return seconds;
    }

    /** Whether the score job's output holds one row per bare-engine total, each equal to it bit for bit. */
    static boolean sameTotals(Path output, double[] bare) throws IOException {
        int seen = 0;
        try (Stream<Path> files = Files.list(output)) {
            for (Path part : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
                for (String line : Files.readAllLines(part)) {
                    JsonNode row = JSON.readTree(line);
                    int id = row.get("id").asInt();
                    JsonNode total = row.get("total_logprob");
                    if (total == null || Double.compare(total.asDouble(), bare[id]) != 0) {
                        return false;
                    }
                    seen++;
                }
            }
        }
        return seen == bare.length;
    }
}
