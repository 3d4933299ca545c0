package dev.plt.jobs.cli;

import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.Task;
import dev.plt.datasets.tasks.metrics.MetricResult;
import dev.plt.jobs.evaluate.Evaluation;
import dev.plt.jobs.evaluate.EvaluationResult;
import dev.plt.jobs.evaluate.HtmlReport;
import dev.plt.jobs.evaluate.MetricsJson;
import dev.plt.jobs.evaluate.SamplesTable;
import dev.plt.jobs.spark.SparkOptions;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.inference.LengthLimit;
import dev.plt.model.inference.PltModel;
import dev.plt.udfs.batch.ErrorKindCounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Spark job: evaluates a model on a benchmark task with lm-evaluation-harness semantics.",
            "Writes DIR/metrics.json, DIR/samples/ (Parquet, one row per sample) and DIR/report.html."})
public final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SparkOptions sparkOptions;

    @Mixin
    TaskSelection taskSelection;

    @Mixin
    KvBudgetOption kvBudget;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate the first N samples only.")
    Integer limit;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output directory.")
    Path output;

    @Option(names = "--overwrite", description = "Write into an existing output directory.")
    boolean overwrite;

    @Option(names = "--batch-size", defaultValue = "16", description = "Rows per engine micro-batch. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions of the request rows. Default: 8 x Spark's default parallelism.")
    Integer partitions;

    /** --max-length (also perplexity's rolling-window length) and --overlong, truncate-left by default as in lm-eval. */
    @Mixin
    LengthOptions lengthOptions;

    @Option(names = "--fail-on-error", description = "Exit non-zero when any sample got an error.")
    boolean failOnError;

    @Override
    public Integer call() throws Exception {
        Path modelDir = modelOptions.modelDirectory().toRealPath();
        ModelConfig config = PltModel.check(modelDir); // a bad model fails here, before Spark starts
        LengthLimit lengthLimit = lengthOptions.limit(LengthLimit.Overlong.TRUNCATE_LEFT).forModel(config);
        int contextLength = lengthLimit.maxLength();
        if (Files.exists(output) && !overwrite) {
            throw new IllegalArgumentException("--output " + output + " already exists (use --overwrite to write into it)");
        }
        long kvBudgetBytes = kvBudget.bytes();
        Task task = taskSelection.createTask();
        List<Sample> samples = task.samples();
        if (limit != null) {
            samples = samples.subList(0, Math.min(limit, samples.size()));
        }
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("task '" + taskSelection.taskName() + "' has no samples to evaluate");
        }
        String modelId = modelDir.getFileName().toString();
        SparkSession spark = sparkOptions.session("plt evaluate " + taskSelection.taskName());
        try {
            // Several tasks per core: accumulators (progress) advance as tasks finish, and a lost task
            // costs less to redo. The model is still loaded once per executor.
            int parts = partitions != null ? partitions : 8 * spark.sparkContext().defaultParallelism();
            Evaluation evaluation = new Evaluation(spark, modelDir, modelId, parts, contextLength, transformer -> {
                transformer.setBatchSize(batchSize).setKvBudget(kvBudgetBytes).setBackend(modelOptions.backend())
                        .setEnginePath(modelOptions.path()).setMaxLength(contextLength)
                        .setOverlong(lengthLimit.overlong().option());
                if (modelOptions.threads() != null) {
                    transformer.setThreads(modelOptions.threads());
                }
            });
            EvaluationResult result = evaluation.run(task, samples);
            Files.createDirectories(output);
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("model", modelDir.toString());
            settings.put("task_options", taskSelection.taskOptions());
            settings.put("limit", limit);
            settings.put("batch_size", batchSize);
            settings.put("max_length", contextLength);
            settings.put("overlong", lengthLimit.overlong().option());
            settings.put("partitions", parts);
            settings.put("master", spark.sparkContext().master());
            MetricsJson.write(output.resolve("metrics.json"), MetricsJson.toJson(result, settings));
            SamplesTable.write(spark, result.samples(), output.resolve("samples").toString());
            HtmlReport.write(output.resolve("report.html"), result);
            printSummary(result);
            return failOnError && result.errors() > 0 ? PltCli.EXIT_ROW_ERRORS : 0;
        } finally {
            spark.stop();
        }
    }

    private void printSummary(EvaluationResult r) {
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
        if (!r.metrics().bySubject().isEmpty()) {
            System.out.printf("(%d subjects: see %s)%n", r.metrics().bySubject().size(), output.resolve("metrics.json"));
        }
        System.out.println("report: " + output.resolve("report.html"));
    }
}
