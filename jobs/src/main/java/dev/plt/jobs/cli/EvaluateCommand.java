package dev.plt.jobs.cli;

import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.SampleLimit;
import dev.plt.datasets.tasks.Task;
import dev.plt.datasets.tasks.metrics.GroupAggregation;
import dev.plt.datasets.tasks.metrics.MetricResult;
import dev.plt.jobs.evaluate.Evaluation;
import dev.plt.jobs.evaluate.DataRows;
import dev.plt.jobs.evaluate.EvaluationResult;
import dev.plt.jobs.evaluate.HtmlReport;
import dev.plt.jobs.evaluate.LmEvalResults;
import dev.plt.jobs.evaluate.LmEvalRun;
import dev.plt.jobs.evaluate.MetricsJson;
import dev.plt.jobs.evaluate.SamplesTable;
import dev.plt.jobs.options.BatchOptions;
import dev.plt.jobs.options.LengthOptions;
import dev.plt.jobs.options.ModelOptions;
import dev.plt.jobs.options.OptionRanges;
import dev.plt.jobs.spark.JobSession;
import dev.plt.jobs.spark.SparkOptions;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.inference.LengthLimit;
import dev.plt.model.inference.PltModel;
import dev.plt.model.tokenizer.PltTokenizer;
import dev.plt.model.weights.WeightFormat;
import dev.plt.udfs.batch.ErrorKindCounts;
import dev.plt.jobs.output.InputFingerprint;
import dev.plt.jobs.output.ModelFingerprint;
import dev.plt.jobs.output.OwnFiles;
import dev.plt.jobs.output.ResponseStore;
import dev.plt.jobs.spark.Progress;
import dev.plt.udfs.batch.EngineSettings;
import dev.plt.udfs.lm.CachingLM;
import dev.plt.udfs.lm.ResponseSink;
import dev.plt.udfs.lm.SparkLM;
import dev.plt.jobs.output.OutputGuard;
import dev.plt.jobs.output.OutputLocation;
import dev.plt.jobs.output.OutputLock;
import dev.plt.jobs.output.RunManifest;
import dev.plt.jobs.output.StagedOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Spark job: evaluates a model on a benchmark task with lm-evaluation-harness semantics.",
            "Writes DIR/metrics.json, DIR/samples/ (Parquet, one row per sample), DIR/report.html, and lm-eval's",
            "DIR/results_<timestamp>.json and DIR/samples_<task>_<timestamp>.jsonl.",
            "With --tasks a,b,c every task runs in the one application (one Spark session, one model load per",
            "executor) into DIR: metrics.json holds each under tasks.NAME, samples/NAME/, report_NAME.html, and",
            "one lm-eval results file per task.",
            "DIR/responses/ keeps every answer as it is computed: --resume completes a killed evaluation."})
public final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SparkOptions sparkOptions;

    @Mixin
    TaskSelection taskSelection;

    /** --batch-size, --max-batch-tokens, --kv-budget. */
    @Mixin
    BatchOptions batchOptions;

    @Option(names = "--limit", paramLabel = "N|F", description = "As lm-eval: the first N samples (a whole number), or "
            + "the first ceil(F x samples) (a fraction 0 < F < 1), per task and per subtask (MMLU: per subject).")
    String limitText;

    /** {@code --limit} parsed; null without one. */
    SampleLimit limit;

    @Option(names = "--output", required = true, paramLabel = "DIR",
            description = "Output directory: a path or any Hadoop file system URI (file://, hdfs://, ...).")
    String output;

    @Option(names = "--overwrite", description = "Replace the output directory if it exists and is the output of an "
            + "earlier plt job (it holds nothing else); the new output is written beside it and swapped in at the end.")
    boolean overwrite;

    @Option(names = "--resume", description = "Complete an interrupted evaluation: the answers already committed in "
            + "DIR/responses/ are reused and only the missing requests computed. Refused if the settings, the model or "
            + "the task data differ. Runs normally when --output does not exist yet.")
    boolean resume;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions of the request rows. Default: 8 x Spark's "
            + "default parallelism, or fewer for few requests: one per micro-batch of them, at least one per task slot.")
    Integer partitions;

    /** --max-length (also perplexity's rolling-window length) and --overlong, truncate-left by default as in lm-eval. */
    @Mixin
    LengthOptions lengthOptions;

    @Option(names = "--fail-on-error", description = "Exit non-zero when any sample got an error.")
    boolean failOnError;

    @Override
    public Integer call() throws Exception {
        OptionRanges.atLeastIfGiven("--partitions", partitions, 1);
        if (limitText != null) {
            try {
                limit = SampleLimit.parse(limitText);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--limit " + e.getMessage(), e);
            }
        }
        modelOptions.validate();
        batchOptions.validate();
        Path modelDir = modelOptions.modelDirectory().toRealPath();
        ModelConfig config = PltModel.check(modelDir); // a bad model fails here, before Spark starts
        LengthLimit lengthLimit = lengthOptions.limit(LengthLimit.Overlong.TRUNCATE_LEFT).forModel(config);
        int contextLength = lengthLimit.maxLength();
        EngineSettings engineSettings = batchOptions.engineSettings(modelOptions, lengthLimit);
        List<OutputGuard.Protected> protect = new ArrayList<>();
        protect.add(new OutputGuard.Protected("the model directory", modelDir));
        taskSelection.dataPaths().forEach(p -> protect.add(new OutputGuard.Protected("the task data", p)));
        org.apache.hadoop.conf.Configuration hadoop = sparkOptions.hadoopConfiguration();
        OutputLocation out = OutputLocation.of("--output", output, hadoop);
        OutputGuard.Plan plan = OutputGuard.check(out, protect, overwrite, resume, "--resume to complete it, ");
        List<TaskRun> runs = new ArrayList<>();
        for (Task task : taskSelection.createTasks(hadoop)) {
            List<Sample> allSamples = task.samples();
            List<Sample> samples = limit == null ? allSamples : limit.apply(allSamples);
            if (samples.isEmpty()) {
                throw new IllegalArgumentException("task '" + task.name() + "' has no samples to evaluate");
            }
            runs.add(new TaskRun(task, allSamples, samples));
        }
        String fingerprint = ModelFingerprint.of(modelDir);
        RunManifest manifest = runManifest(runs.stream().map(r -> r.task().name()).toList(), fingerprint,
                contextLength, lengthLimit);
        InputFingerprint input = inputFingerprint(runs);
        boolean resuming = plan == OutputGuard.Plan.RESUME;
        if (resuming) {
            checkResumable(out, manifest, input); // before anything is touched
        }
        try (OutputLock lock = OutputLock.acquire(out, "plt evaluate")) {
            // A new output is written in place, its answers committed as they come (DIR/responses/), so that a
            // killed run can be resumed; a replacement is written beside the old output and swapped in.
            StagedOutput staged = StagedOutput.begin(out, plan);
            try {
                int exit = evaluate(staged.target(), modelDir, fingerprint, manifest, input, resuming, contextLength,
                        lengthLimit, engineSettings, runs);
                staged.commit();
                for (TaskRun run : runs) {
                    System.out.println("report: " + out.child(reportName(run.task(), runs)).given());
                }
                return exit;
            } catch (Exception | Error e) {
                staged.abandon();
                throw e;
            }
        }
    }

    /** One task of the run: its samples before and after {@code --limit}. */
    private record TaskRun(Task task, List<Sample> allSamples, List<Sample> samples) {
    }

    /** report.html for one task; report_TASK.html each for several. */
    private static String reportName(Task task, List<TaskRun> runs) {
        return runs.size() == 1 ? "report.html" : "report_" + LmEvalResults.fileSafe(task.name()) + ".html";
    }

    private int evaluate(OutputLocation target, Path modelDir, String fingerprint, RunManifest manifest,
            InputFingerprint input, boolean resuming, int contextLength, LengthLimit lengthLimit,
            EngineSettings engineSettings, List<TaskRun> runs) throws IOException, InterruptedException {
        String modelId = modelDir.getFileName().toString();
        List<String> names = runs.stream().map(r -> r.task().name()).toList();
        JobSession session = sparkOptions.session("plt evaluate " + String.join(",", names));
        SparkSession spark = session.spark();
        try {
            // Several tasks per core: accumulators (progress) advance as tasks finish, and a lost task
            // costs less to redo. The model is still loaded once per executor, and kept for every task.
            // A call with few requests gets fewer: one partition per micro-batch, at least one per slot.
            int parts = partitions != null ? partitions : 8 * spark.sparkContext().defaultParallelism();
            // Every answer goes through the store in the output (DIR/responses/): committed as partitions finish,
            // and on --resume the answers already there are reused (lm-eval's CachingLM).
            ResponseStore store = new ResponseStore(spark, target);
            CachingLM lm = new CachingLM(new SparkLM(spark, modelDir.toAbsolutePath().toString(), modelId,
                    engineSettings, parts, partitions == null, withProgress(store)), store);
            Evaluation evaluation = new Evaluation(lm, modelId);
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("model", modelDir.toString());
            settings.put("task_options", taskSelection.taskOptions());
            settings.put("limit", limit == null ? null : limit.asNumber());
            settings.put("batch_size", engineSettings.batchSize());
            settings.put("max_length", contextLength);
            settings.put("overlong", lengthLimit.overlong().option());
            settings.put("partitions", parts);
            settings.put("master", spark.sparkContext().master());
            if (resuming) {
                removeLmEvalFiles(target); // the resumed run writes its own, with its own timestamps
            } else {
                target.mkdirs();
                manifest.write(target, "task data of " + String.join(",", names), input);
            }
            com.fasterxml.jackson.databind.node.ObjectNode all = null;
            if (runs.size() > 1) {
                all = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
                all.putArray("tasks_evaluated").addAll(names.stream()
                        .map(com.fasterxml.jackson.databind.node.TextNode::valueOf).toList());
            }
            long samplesDone = 0;
            long errors = 0;
            double seconds = 0;
            java.util.Set<String> lmEvalFiles = new java.util.HashSet<>();
            List<Runnable> summaries = new ArrayList<>();
            for (TaskRun run : runs) {
                Instant started = Instant.now();
                EvaluationResult result = evaluation.run(run.task(), run.samples());
                Map<String, Map<String, MetricResult>> groups = GroupAggregation.aggregate(result.metrics(),
                        run.task().metrics(), run.task().source().groups());
                DataRows rows = DataRows.of(run.allSamples(), run.samples());
                com.fasterxml.jackson.databind.node.ObjectNode json = MetricsJson.toJson(result, groups, rows, settings);
                String samplesDir = runs.size() == 1 ? "samples" : "samples/" + LmEvalResults.fileSafe(run.task().name());
                SamplesTable.write(spark, result.samples(), target.child(samplesDir).path().toString());
                LmEvalRun lmRun = lmEvalRun(spark, run.task(), run.allSamples(), modelDir, fingerprint, contextLength,
                        lengthLimit, started);
                target.child(reportName(run.task(), runs)).writeAtomically(HtmlReport.bytes(result, lmRun));
                List<String> written = LmEvalResults.write(target, result, lmRun);
                if (!lmEvalFiles.add(written.get(0))) {
                    throw new IllegalStateException("two tasks wrote lm-eval's " + written.get(0));
                }
                if (all == null) {
                    target.child("metrics.json").writeAtomically(MetricsJson.bytes(json));
                } else {
                    json.remove("settings");
                    all.with("tasks").set(run.task().name(), json);
                }
                samplesDone += result.metrics().samples();
                errors += result.errors();
                seconds += result.seconds();
                summaries.add(() -> printSummary(result, groups, rows));
                Thread.sleep(1); // lm-eval's results file names carry the time: one per task
            }
            if (all != null) {
                all.set("settings", new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(settings));
                target.child("metrics.json").writeAtomically(MetricsJson.bytes(all));
            }
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("finished", Instant.now().toString());
            record.put("resumed", resuming);
            record.put("samples", samplesDone);
            record.put("errors", errors);
            record.put("seconds", seconds);
            record.put("requests_reused", lm.reused());
            record.put("requests_computed", lm.computed());
            RunManifest.recordRun(target, record);
            if (resuming) {
                System.out.printf("--resume: %d requests answered from %s, %d computed%n", lm.reused(),
                        ResponseStore.DIRECTORY + "/", lm.computed());
            }
            summaries.forEach(Runnable::run);
            return failOnError && errors > 0 ? PltCli.EXIT_ROW_ERRORS : 0;
        } finally {
            session.close(); // stops Spark only if this job started it
        }
    }

    /** The settings that decide this evaluation's values, recorded in the output's run record. */
    private RunManifest runManifest(List<String> names, String modelFingerprint, int contextLength,
            LengthLimit lengthLimit) {
        SortedMap<String, String> settings = new TreeMap<>();
        settings.put("job", "evaluate");
        settings.put("model_fingerprint", modelFingerprint);
        settings.put("task", String.join(",", names));
        settings.put("task_options", new TreeMap<>(taskSelection.taskOptions()).toString());
        settings.put("limit", String.valueOf(limit == null ? null : limit.asNumber()));
        settings.put("max_length", Integer.toString(contextLength));
        settings.put("overlong", lengthLimit.overlong().option());
        settings.put("backend", modelOptions.backend());
        settings.put("path", modelOptions.path());
        if (modelOptions.weights() != WeightFormat.STORED) {
            settings.put("weights", modelOptions.weights().id()); // absent when stored: older run records still match
        }
        return new RunManifest(settings);
    }

    /**
     * What the evaluation asks, as one hash: every sample of every task after --limit (its id, requests,
     * choices, gold and target), so a resume refuses task data that changed in any way that matters.
     * Recorded as "files" = samples and "bytes" = characters hashed.
     */
    private static InputFingerprint inputFingerprint(List<TaskRun> runs) {
        java.security.MessageDigest sha = ModelFingerprint.sha256();
        int samples = 0;
        long chars = 0;
        for (TaskRun run : runs) {
            for (Sample s : run.samples()) {
                String line = run.task().name() + "\t" + s.id() + "\t" + s.requests() + "\t" + s.choices() + "\t"
                        + s.gold() + "\t" + s.target() + "\t" + s.invalid() + "\n";
                sha.update(line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                samples++;
                chars += line.length();
            }
        }
        return new InputFingerprint(java.util.HexFormat.of().formatHex(sha.digest()), samples, chars);
    }

    /** Refuses, in one line and before touching anything, to resume an output of other settings or data. */
    private void checkResumable(OutputLocation out, RunManifest now, InputFingerprint input) {
        RunManifest.requireSameSettings(out, output, now, "evaluate");
        InputFingerprint before = RunManifest.input(out).orElseThrow(() -> new IllegalArgumentException(
                "--resume: " + output + " does not record which task data it was computed from (an older plt wrote "
                        + "it); use --overwrite or another --output"));
        if (!before.hash().equals(input.hash())) {
            throw new IllegalArgumentException("--resume: the task data is not what " + output + " was computed from "
                    + "(before: " + before.files() + " samples; now: " + input.files() + " samples, or other sample "
                    + "contents); use --overwrite or another --output");
        }
    }

    /** lm-eval's timestamped files of an earlier run of this output. */
    private static void removeLmEvalFiles(OutputLocation target) {
        for (org.apache.hadoop.fs.FileStatus entry : target.list()) {
            if (entry.isFile() && OwnFiles.isLmEvalFile(entry.getPath().getName())) {
                target.deleteEntry(entry.getPath(), false);
            }
        }
    }

    /** Logs progress while the store's Spark job runs. */
    private static ResponseSink withProgress(ResponseSink sink) {
        return (responses, transformer, rows) -> {
            try (Progress progress = new Progress("plt evaluate", rows, transformer.rowsDone(),
                    transformer.tokensDone(), 15)) {
                return sink.collect(responses, transformer, rows);
            }
        };
    }

    /** What lm-eval's results file records of this run beside the result itself. */
    private LmEvalRun lmEvalRun(SparkSession spark, Task task, List<Sample> allSamples, Path modelDir,
            String fingerprint, int contextLength, LengthLimit lengthLimit, Instant started) {
        Map<String, Object> modelArgs = new LinkedHashMap<>();
        modelArgs.put("backend", modelOptions.backend());
        modelArgs.put("path", modelOptions.path());
        if (modelOptions.weights() != WeightFormat.STORED) {
            modelArgs.put("weights", modelOptions.weights().id());
        }
        modelArgs.put("max_length", contextLength);
        modelArgs.put("overlong", lengthLimit.overlong().option());
        Integer endOfText;
        try (PltTokenizer tokenizer = PltTokenizer.load(modelDir.resolve("tokenizer.json"))) {
            OptionalInt id = tokenizer.tokenId("<|endoftext|>");
            endOfText = id.isPresent() ? id.getAsInt() : null;
        }
        String environment = String.format("plt evaluate; Java %s (%s); %s %s; Spark %s, master %s",
                System.getProperty("java.version"), System.getProperty("java.vendor"), System.getProperty("os.name"),
                System.getProperty("os.arch"), spark.version(), spark.sparkContext().master());
        return new LmEvalRun(task, allSamples, modelDir, fingerprint, modelArgs, modelOptions.backend(),
                batchOptions.batchSize(),
                limit == null ? null : limit.asNumber(), contextLength, endOfText, environment, started, Instant.now());
    }

    private void printSummary(EvaluationResult r, Map<String, Map<String, MetricResult>> groups, DataRows rows) {
        System.out.printf("%n%s on %s: %d samples, %d errors%s, %.1f s (%.2f samples/s, %.0f tokens/s)%n", r.task(),
                r.modelId(), r.metrics().samples(), r.errors(),
                r.errors() == 0 ? "" : " (" + ErrorKindCounts.describe(r.errorsByKind()) + ")", r.seconds(),
                r.samplesPerSecond(), r.tokensPerSecond());
        System.out.printf("%-22s %10s %10s%n", "metric", "value", "stderr");
        for (Map.Entry<String, MetricResult> m : r.metrics().metrics().entrySet()) {
            double stderr = m.getValue().stderr();
            System.out.printf("%-22s %10.4f %10s%n", m.getKey(), m.getValue().value(),
                    Double.isFinite(stderr) ? String.format("%.4f", stderr) : "-");
        }
        for (Map.Entry<String, Map<String, MetricResult>> g : groups.entrySet()) {
            for (Map.Entry<String, MetricResult> m : g.getValue().entrySet()) {
                double stderr = m.getValue().stderr();
                System.out.printf("%-22s %10.4f %10s  (group, n=%d)%n", g.getKey() + " " + m.getKey(),
                        m.getValue().value(), Double.isFinite(stderr) ? String.format("%.4f", stderr) : "-",
                        m.getValue().count());
            }
        }
        if (!r.metrics().bySubject().isEmpty()) {
            System.out.printf("(%d subjects: see metrics.json in %s)%n", r.metrics().bySubject().size(), output);
        }
        System.out.println(rows.describe(limit));
    }
}
