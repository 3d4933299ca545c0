package dev.plt.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.datasets.tasks.Task;
import dev.plt.jobs.batch.ScoreCommand;
import dev.plt.jobs.spark.JobSession;
import dev.plt.jobs.spark.SparkOptions;
import dev.plt.model.bench.Stats;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.inference.PltModel;
import dev.plt.model.inference.TokenScores;
import dev.plt.udfs.registry.ModelKey;
import dev.plt.udfs.registry.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * {@code plt bench --spark-cost}: what the Spark path costs over the engine alone, two ways, each in
 * interleaved rounds (the two sides alternate which goes first) with the median taken:
 * <ol>
 *   <li>{@code plt score} against direct engine calls on the benchmark model: the same rows, micro-batches
 *       and engine (the job's own, taken from the registry of this JVM's executor), so the difference is
 *       the Spark path's per-row cost; the fixed costs (session start, first job, model load) are timed
 *       apart;</li>
 *   <li>{@code evaluate --task perplexity} against {@code plt infer} on the same rolling windows, on the
 *       embedded model, whose engine time is so small that the fixed costs of a job dominate.</li>
 * </ol>
 * Everything runs in this JVM on one Spark session started first ({@code local[1]}), with one engine
 * thread, so on a machine with one free core both sides get that core.
 */
public final class SparkCostBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String MASTER = "local[1]";

    /**
     * @param benchModel     the benchmark model directory (PLT-2 f32 of the bench shape)
     * @param embeddedModel  the embedded model directory (models/default)
     * @param evaluateTask   evaluate's task arguments (--task perplexity --task-option ...)
     * @param commands       the command line's commands and task (they live above this package)
     */
    public record Plan(Path benchModel, String variant, String dtype, int rows, int tokensPerRow, int batchSize,
            Path embeddedModel, List<String> evaluateTask, int limit, int maxLength, int rounds, Path workDir,
            Commands commands) {
    }

    /** What the bench runs of the command line: fresh {@code plt infer} and {@code plt evaluate} commands, and the task. */
    public record Commands(Supplier<Object> infer, Supplier<Object> evaluate, Supplier<Task> task) {
    }

    private final Plan plan;
    private final Consumer<String> progress;

    public SparkCostBench(Plan plan, Consumer<String> progress) {
        this.plan = plan;
        this.progress = progress;
    }

    public SparkCostReport run() throws IOException {
        long start = System.nanoTime();
        String startedAt = Instant.now().toString();
        double loadBefore = loadAverage();
        Files.createDirectories(plan.workDir());
        if (org.apache.spark.sql.SparkSession.getActiveSession().isDefined()
                || org.apache.spark.sql.SparkSession.getDefaultSession().isDefined()) {
            throw new IllegalStateException("plt bench --spark-cost times the session start itself: stop the Spark "
                    + "session running in this JVM first");
        }
        ModelRegistry.releaseAll();
        progress.accept("spark cost: starting the Spark session on " + MASTER);
        Timed.Clock clock = Timed.start();
        JobSession session = CommandLine.populateCommand(new SparkOptions(), "--master", MASTER)
                .session("plt bench --spark-cost");
        Timed sessionStart = clock.stop();
        progress.accept(String.format(Locale.ROOT, "spark cost: session started in %.2f s", sessionStart.wallSeconds()));
        try {
            SparkCostReport.Score score = score(sessionStart);
            ModelRegistry.releaseAll();
            SparkCostReport.Evaluate evaluate = evaluate(sessionStart);
            return new SparkCostReport(startedAt, (System.nanoTime() - start) / 1e9, MASTER, 1, plan.rounds(),
                    new double[] {loadBefore, loadAverage()}, sessionStart, score, evaluate);
        } finally {
            session.close();
            ModelRegistry.releaseAll();
        }
    }

    // ---------------------------------------------------------------- (a) score vs the bare engine

    private SparkCostReport.Score score(Timed sessionStart) throws IOException {
        ModelConfig config = PltModel.check(plan.benchModel());
        SplittableRandom random = new SplittableRandom(7);
        List<int[]> sequences = new ArrayList<>();
        for (int i = 0; i < plan.rows(); i++) {
            sequences.add(random.ints(plan.tokensPerRow(), 0, config.vocabSize()).toArray());
        }
        Path input = writeRows(plan.workDir().resolve("score-rows.jsonl"), sequences);
        Path output = plan.workDir().resolve("score-out");
        // One partition per micro-batch: each task's rows are one engine call, as the bare side's.
        int partitions = (plan.rows() + plan.batchSize() - 1) / plan.batchSize();

        progress.accept("spark cost: first score job of this JVM (loads the model into the registry)");
        Timed firstJob = scoreJob(input, output, partitions);
        Set<ModelKey> keys = ModelRegistry.loadedKeys();
        if (keys.size() != 1) {
            throw new IllegalStateException("expected the score job to leave one model in the registry, found " + keys);
        }
        ModelKey key = keys.iterator().next();
        PltModel engine = ModelRegistry.get(key); // the job's own engine: same options, same threads
        double[] bareTotals = bareScore(engine, sequences); // untimed: the engine side's warm-up
        int loadsBefore = ModelRegistry.loadCount();

        // The same job on one row: its time is almost all the job's fixed cost (planning, the passes over the
        // input, the shuffle, the commit), which the per-row figure then leaves out.
        Path oneRow = writeRows(plan.workDir().resolve("score-one-row.jsonl"), sequences.subList(0, 1));
        Path oneRowOutput = plan.workDir().resolve("score-one-row-out");
        List<SparkCostReport.Round> rounds = new ArrayList<>();
        List<SparkCostReport.Round> oneRowRounds = new ArrayList<>();
        List<Timed> loads = new ArrayList<>();
        boolean identical = SparkScoreBench.sameTotals(output, bareTotals);
        for (int r = 0; r < plan.rounds(); r++) {
            boolean bareFirst = r % 2 == 0;
            Timed[] all = new Timed[2];
            Timed[] one = new Timed[2];
            for (int side : bareFirst ? new int[] {0, 1} : new int[] {1, 0}) {
                if (side == 0) {
                    Timed.Clock clock = Timed.start();
                    double[] totals = bareScore(engine, sequences);
                    all[0] = clock.stop();
                    identical &= java.util.Arrays.equals(totals, bareTotals);
                    clock = Timed.start();
                    bareScore(engine, sequences.subList(0, 1));
                    one[0] = clock.stop();
                } else {
                    all[1] = scoreJob(input, output, partitions);
                    identical &= SparkScoreBench.sameTotals(output, bareTotals);
                    one[1] = scoreJob(oneRow, oneRowOutput, 1);
                }
            }
            Timed.Clock clock = Timed.start();
            PltModel.load(Path.of(key.modelPath()), key.engineOptions()).close();
            loads.add(clock.stop());
            rounds.add(new SparkCostReport.Round(r + 1, bareFirst ? "engine" : "spark", all[0], all[1]));
            oneRowRounds.add(new SparkCostReport.Round(r + 1, bareFirst ? "engine" : "spark", one[0], one[1]));
            progress.accept(String.format(Locale.ROOT, "spark cost: score round %d/%d: engine %.2f s (%.2f CPU s), "
                    + "job %.2f s (%.2f CPU s); one row: engine %.2f s, job %.2f s (%.2f CPU s); model load %.2f s",
                    r + 1, plan.rounds(), all[0].wallSeconds(), all[0].cpuSeconds(), all[1].wallSeconds(),
                    all[1].cpuSeconds(), one[0].wallSeconds(), one[1].wallSeconds(), one[1].cpuSeconds(),
                    loads.get(r).wallSeconds()));
        }
        int loadsInRounds = ModelRegistry.loadCount() - loadsBefore;
        Timed bare = median(rounds, SparkCostReport.Round::engineSide);
        Timed job = median(rounds, SparkCostReport.Round::sparkSide);
        Timed oneBare = median(oneRowRounds, SparkCostReport.Round::engineSide);
        Timed oneJob = median(oneRowRounds, SparkCostReport.Round::sparkSide);
        Timed jobFixed = new Timed(oneJob.wallSeconds() - oneBare.wallSeconds(),
                oneJob.cpuSeconds() - oneBare.cpuSeconds());
        Timed load = median(loads);
        // A fresh job in a warm JVM pays the session start and the model load; a fresh bare engine the load.
        double wholeJob = (sessionStart.wallSeconds() + load.wallSeconds() + job.wallSeconds())
                / (load.wallSeconds() + bare.wallSeconds()) - 1;
        return new SparkCostReport.Score(plan.benchModel().toString(), plan.variant(), plan.dtype(),
                engine.weights().parameterCount(), plan.rows(), plan.tokensPerRow(), plan.batchSize(), partitions,
                firstJob, load, bare, job, oneBare, oneJob, jobFixed, job.wallSeconds() / bare.wallSeconds() - 1,
                job.cpuSeconds() / bare.cpuSeconds() - 1,
                (job.wallSeconds() - jobFixed.wallSeconds()) / bare.wallSeconds() - 1,
                (job.cpuSeconds() - jobFixed.cpuSeconds()) / bare.cpuSeconds() - 1, wholeJob, loadsInRounds,
                identical, List.copyOf(rounds), List.copyOf(oneRowRounds));
    }

    private double[] bareScore(PltModel engine, List<int[]> sequences) {
        double[] totals = new double[sequences.size()];
        for (int from = 0; from < sequences.size(); from += plan.batchSize()) {
            List<TokenScores> scores = engine.score(sequences.subList(from, Math.min(sequences.size(),
                    from + plan.batchSize())));
            for (int i = 0; i < scores.size(); i++) {
                totals[from + i] = scores.get(i).total();
            }
        }
        return totals;
    }

    private Timed scoreJob(Path input, Path output, int partitions) {
        return InProcessCommand.run("plt score", new ScoreCommand(), "--model", plan.benchModel().toString(),
                "--input", input.toString(), "--ids-col", "input_ids", "--output", output.toString(),
                "--output-format", "jsonl", "--overwrite", "--master", MASTER, "--partitions",
                Integer.toString(partitions), "--threads", "1", "--batch-size", Integer.toString(plan.batchSize()));
    }

    private static Path writeRows(Path file, List<int[]> sequences) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < sequences.size(); i++) {
            lines.append(JSON.writeValueAsString(Map.of("id", i, "input_ids", sequences.get(i)))).append('\n');
        }
        return Files.writeString(file, lines);
    }

    // ---------------------------------------------------------------- (b) evaluate vs plt infer

    private SparkCostReport.Evaluate evaluate(Timed sessionStart) throws IOException {
        Path model = plan.embeddedModel();
        PerplexityRows rows = PerplexityRows.write(model, plan.commands().task().get(), plan.limit(), plan.maxLength(),
                plan.workDir().resolve("perplexity-windows.jsonl"));
        progress.accept(String.format(Locale.ROOT, "spark cost: %d documents of %s in %d windows, %,d tokens",
                rows.documents(), String.join(" ", plan.evaluateTask()), rows.windowCount(), rows.tokens()));
        Path inferOut = plan.workDir().resolve("infer-out.jsonl");
        Path evaluateOut = plan.workDir().resolve("evaluate-out");
        Supplier<Timed> infer = () -> InProcessCommand.run("plt infer", plan.commands().infer().get(), "--model", model.toString(),
                "--input", rows.windows().toString(), "--output", inferOut.toString(), "--overwrite",
                "--batch-size", Integer.toString(plan.batchSize()), "--threads", "1");
        List<String> evaluateArgs = new ArrayList<>(List.of("--model", model.toString()));
        evaluateArgs.addAll(plan.evaluateTask());
        evaluateArgs.addAll(List.of("--limit", Integer.toString(plan.limit()), "--max-length",
                Integer.toString(plan.maxLength()), "--output", evaluateOut.toString(), "--overwrite", "--master", MASTER,
                "--threads", "1", "--batch-size", Integer.toString(plan.batchSize())));
        Supplier<Timed> evaluate = () -> {
            ModelRegistry.releaseAll(); // the job loads its model, as infer does
            return InProcessCommand.run("plt evaluate", plan.commands().evaluate().get(), evaluateArgs.toArray(String[]::new));
        };
        progress.accept("spark cost: first evaluate and infer (untimed)");
        evaluate.get();
        infer.get();
        List<SparkCostReport.Round> rounds = new ArrayList<>();
        for (int r = 0; r < plan.rounds(); r++) {
            boolean inferFirst = r % 2 == 0;
            Timed i = inferFirst ? infer.get() : null;
            Timed e = evaluate.get();
            if (!inferFirst) {
                i = infer.get();
            }
            rounds.add(new SparkCostReport.Round(r + 1, inferFirst ? "engine" : "spark", i, e));
            progress.accept(String.format(Locale.ROOT, "spark cost: evaluate round %d/%d: infer %.2f s (%.2f CPU s), "
                    + "evaluate %.2f s (%.2f CPU s)", r + 1, plan.rounds(), i.wallSeconds(), i.cpuSeconds(),
                    e.wallSeconds(), e.cpuSeconds()));
        }
        Timed inferTime = median(rounds, SparkCostReport.Round::engineSide);
        Timed evaluateTime = median(rounds, SparkCostReport.Round::sparkSide);
        double inferRate = rows.tokens() / inferTime.wallSeconds();
        double evaluateRate = rows.tokens() / evaluateTime.wallSeconds();
        double withStart = rows.tokens() / (evaluateTime.wallSeconds() + sessionStart.wallSeconds());
        return new SparkCostReport.Evaluate(model.toString(), plan.evaluateTask(), plan.limit(), plan.maxLength(),
                plan.batchSize(), rows.documents(), rows.windowCount(), rows.tokens(), rows.predictedTokens(),
                evaluateTime, inferTime, evaluateRate, inferRate, evaluateRate / inferRate, withStart / inferRate,
                evaluateBitsPerByte(evaluateOut), inferBitsPerByte(inferOut, rows), List.copyOf(rounds));
    }

    private static double evaluateBitsPerByte(Path evaluateOut) throws IOException {
        return JSON.readTree(evaluateOut.resolve("metrics.json").toFile()).path("metrics").path("bits_per_byte")
                .path("value").asDouble(Double.NaN);
    }

    /** -sum(log p of every predicted token) / (document bytes x ln 2), from infer's output lines. */
    private static double inferBitsPerByte(Path inferOut, PerplexityRows rows) throws IOException {
        List<String> lines = Files.readAllLines(inferOut);
        if (lines.size() != rows.windowCount()) {
            return Double.NaN;
        }
        double total = 0;
        for (int w = 0; w < lines.size(); w++) {
            JsonNode logprobs = JSON.readTree(lines.get(w)).get("token_logprobs");
            if (logprobs == null) {
                return Double.NaN;
            }
            double window = 0; // summed as RollingTask sums a window: its predicted tokens, in order
            for (int t = logprobs.size() - rows.predictedPerWindow().get(w); t < logprobs.size(); t++) {
                window += logprobs.get(t).asDouble();
            }
            total += window;
        }
        return -total / (rows.documentBytes() * Math.log(2));
    }

    // ---------------------------------------------------------------- helpers

    private static Timed median(List<SparkCostReport.Round> rounds, java.util.function.Function<SparkCostReport.Round,
            Timed> side) {
        return median(rounds.stream().map(side).toList());
    }

    private static Timed median(List<Timed> timings) {
        double[] wall = timings.stream().mapToDouble(Timed::wallSeconds).toArray();
        double[] cpu = timings.stream().mapToDouble(Timed::cpuSeconds).toArray();
        return new Timed(Stats.of(wall).median(), Stats.of(cpu).median());
    }

    /** The 1-minute load average (NaN where the platform does not tell). */
    static double loadAverage() {
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? Double.NaN : load;
    }
}
