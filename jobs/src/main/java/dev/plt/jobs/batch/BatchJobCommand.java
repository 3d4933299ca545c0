package dev.plt.jobs.batch;

import dev.plt.datasets.readers.ReadResult;
import dev.plt.jobs.options.BatchOptions;
import dev.plt.jobs.options.ExitCodes;
import dev.plt.jobs.options.LengthOptions;
import dev.plt.jobs.options.ModelOptions;
import dev.plt.jobs.options.OptionRanges;
import dev.plt.jobs.output.CommittedOutput;
import dev.plt.jobs.output.InputFingerprint;
import dev.plt.jobs.output.ModelFingerprint;
import dev.plt.jobs.output.OutputGuard;
import dev.plt.jobs.output.OutputLocation;
import dev.plt.jobs.output.OutputLock;
import dev.plt.jobs.output.RowIds;
import dev.plt.jobs.output.RunManifest;
import dev.plt.jobs.output.StagedOutput;
import dev.plt.jobs.output.TableOutput;
import dev.plt.jobs.spark.JobInput;
import dev.plt.jobs.spark.JobSession;
import dev.plt.jobs.spark.Progress;
import dev.plt.jobs.spark.SparkOptions;
import dev.plt.model.inference.LengthLimit;
import dev.plt.model.inference.PltModel;
import dev.plt.udfs.batch.BatchPlanStats;
import dev.plt.udfs.batch.EngineSettings;
import dev.plt.udfs.batch.ErrorKindCounts;
import dev.plt.udfs.batch.KvBudget;
import dev.plt.udfs.batch.PartitionCount;
import dev.plt.udfs.ml.PltTransformer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What {@code plt score} and {@code plt generate} share: read the input (any file system, any Spark
 * source, or a table; {@link JobInput}), give every row its {@code row_id}, run one transformer over it,
 * write the output contract to a directory (any file system and file format, {@link CommittedOutput}) or
 * a catalog table ({@link TableOutput}), log progress and a summary. A directory output is committed
 * partition by partition, so {@code --resume} completes an interrupted run by computing only the rows
 * whose ids are not committed yet, after checking that the settings, the model and the input are those of
 * the committed rows ({@link RunManifest}). Everything that can be checked before work starts (options,
 * model, input, output place and its lock) is checked first, so a bad job fails in seconds with one line,
 * and nothing is removed that an earlier plt run did not write ({@link OutputGuard}).
 */
public abstract class BatchJobCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(BatchJobCommand.class);

    @Mixin
    protected ModelOptions modelOptions;

    @Mixin
    protected SparkOptions sparkOptions;

    @Mixin
    LengthOptions lengthOptions;

    @Mixin
    JobInput input;

    @Option(names = "--output", paramLabel = "DIR|URI",
            description = "Output directory, local or on any Hadoop file system (file://, hdfs://, s3a://, ...).")
    String output;

    @Option(names = "--output-format", defaultValue = "parquet", paramLabel = "FMT",
            description = "parquet, jsonl, orc, csv (no array columns), or any Spark source (avro, delta, ...). "
                    + "Default: ${DEFAULT-VALUE}.")
    String outputFormat;

    @Option(names = "--output-option", paramLabel = "KEY=VALUE",
            description = "An option for Spark's writer (repeatable), e.g. --output-option compression=zstd.")
    Map<String, String> outputOptions = new LinkedHashMap<>();

    @Option(names = "--output-table", paramLabel = "TABLE",
            description = "Write a catalog table (db.table) instead of --output.")
    String outputTable;

    @Option(names = "--output-mode", defaultValue = "error", paramLabel = "error|overwrite|append",
            description = "With --output-table: error if it exists, or overwrite / append to a table plt wrote. "
                    + "Default: ${DEFAULT-VALUE}.")
    String outputMode;

    @Option(names = "--output-partition-by", split = ",", paramLabel = "COL[,COL...]",
            description = "With --output-table: partition the table by these columns.")
    List<String> partitionBy = new ArrayList<>();

    @Option(names = "--overwrite", description = "Replace the output directory if it exists and is the output of an "
            + "earlier plt job (it holds nothing else); the new output is written beside it and swapped in at the end.")
    boolean overwrite;

    @Option(names = "--resume", description = "Complete an interrupted run: keep the rows already committed in "
            + "--output, compute only the missing ones and add them. Refused if the settings, the model or the input "
            + "differ. Runs normally when --output does not exist yet.")
    boolean resume;

    @Option(names = "--text-col", defaultValue = "text", paramLabel = "COL",
            description = "Text column to tokenize. Default: ${DEFAULT-VALUE}.")
    String textColumn;

    @Option(names = "--ids-col", paramLabel = "COL", description = "array<int> token-id column (instead of --text-col).")
    String idsColumn;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions to compute (each is committed on its "
            + "own, so an interrupted run loses only those in progress). Default: the input's, at least 8 x Spark's "
            + "default parallelism, but no more than one per micro-batch of rows (and at least one per task slot).")
    Integer partitions;

    /** --batch-size, --max-batch-tokens, --kv-budget. */
    @Mixin
    protected BatchOptions batchOptions;

    @Option(names = "--fail-on-error", description = "Exit 3 when any row got an error (a malformed input line "
            + "counts), after the output is written.")
    boolean failOnError;

    @Option(names = "--fail-on-malformed", description = "Stop before any work (exit 2), naming the first malformed "
            + "JSONL/CSV line, instead of writing malformed lines as error rows (error_kind malformed_line).")
    boolean failOnMalformed;

    /** The job's name in logs ("score", "generate"). */
    protected abstract String name();

    /** A transformer with the job's own settings; the shared ones are set by this class. */
    protected abstract PltTransformer transformer();

    /** Checks the job's own numeric options (ranges named in the message); called before any work. */
    protected void validateJobOptions() {
    }

    /** The settings, the input and the output, all checked: what {@link #run} needs. */
    private record Plan(PltTransformer transformer, RunManifest manifest, OutputLocation directory,
            TableOutput table, boolean resuming) {
    }

    @Override
    public Integer call() {
        OptionRanges.atLeastIfGiven("--partitions", partitions, 1);
        modelOptions.validate();
        batchOptions.validate();
        validateJobOptions();
        String format = CommittedOutput.checkFormat(outputFormat);
        if ((output == null) == (outputTable == null)) {
            throw new IllegalArgumentException("give --output DIR or --output-table TABLE (exactly one)");
        }
        Path modelDir = modelOptions.modelDirectory();
        PltModel.check(modelDir); // a bad model fails here, before Spark starts
        LengthLimit limit = lengthOptions.limit(LengthLimit.Overlong.ERROR);
        Configuration hadoop = sparkOptions.hadoopConfiguration();
        input.check(hadoop);
        PltTransformer transformer = configuredTransformer(modelDir, batchOptions.engineSettings(modelOptions, limit));
        RunManifest manifest = RunManifest.of(name(), ModelFingerprint.of(modelDir), format, transformer);
        if (outputTable != null) {
            if (resume || overwrite) {
                throw new IllegalArgumentException("--resume and --overwrite are for --output directories; a table "
                        + "takes --output-mode error|overwrite|append");
            }
            TableOutput table = new TableOutput(outputTable, outputMode, partitionBy, format.equals("jsonl") ? "json"
                    : format, outputOptions);
            return run(new Plan(transformer, manifest, null, table, false));
        }
        if (!partitionBy.isEmpty()) {
            throw new IllegalArgumentException("--output-partition-by is for --output-table; a directory output is "
                    + "committed partition file by partition file");
        }
        OutputLocation out = OutputLocation.of("--output", output, hadoop);
        List<OutputGuard.Protected> protect = new ArrayList<>();
        input.localPaths().forEach(p -> protect.add(new OutputGuard.Protected("the input", p)));
        protect.add(new OutputGuard.Protected("the model directory", modelDir));
        OutputGuard.Plan plan = OutputGuard.check(out, protect, overwrite, resume, "--resume to complete it, ");
        boolean resuming = plan == OutputGuard.Plan.RESUME;
        if (resuming) {
            RunManifest.requireSameSettings(out, output, manifest, "score/generate");
        }
        try (OutputLock lock = OutputLock.acquire(out, "plt " + name())) {
            StagedOutput staged = StagedOutput.begin(out, plan);
            try {
                int exit = run(new Plan(transformer, manifest, staged.target(), null, resuming));
                staged.commit();
                return exit;
            } catch (RuntimeException | Error e) {
                staged.abandon();
                throw e;
            }
        }
    }

    /** The job itself: read, add row ids, transform, write, record the run. */
    private int run(Plan plan) {
        PltTransformer transformer = plan.transformer();
        RunManifest manifest = plan.manifest();
        JobSession session = sparkOptions.session("plt " + name());
        SparkSession spark = session.spark();
        try {
            InputFingerprint inputFingerprint = null;
            if (plan.directory() != null) {
                inputFingerprint = input.fingerprint(spark);
                if (plan.resuming()) {
                    checkResumableInput(plan.directory(), inputFingerprint);
                }
            } else {
                plan.table().check(spark, manifest.hash()); // before any model runs
            }
            ReadResult read = input.read(spark, failOnMalformed);
            // Rows and malformed lines counted in one pass: the input is read once less than counting each.
            spark.sparkContext().setJobDescription("plt " + name() + ": counting the input rows");
            ReadResult.Counts counts = read.counts();
            long malformed = counts.malformed();
            if (malformed > 0) {
                LOG.warn("{} input lines could not be read as rows (malformed, too long or mistyped), written as "
                        + "error rows; first: {}", malformed, read.malformedRecords(3));
            }
            Dataset<Row> rows = read.rows();
            Dataset<Row> todo = RowIds.add(rows, manifest.hash());
            CommittedOutput.checkColumns(outputFormat, transformer.transformSchema(todo.schema())); // before any work
            CommittedOutput out = plan.directory() == null ? null
                    : new CommittedOutput(plan.directory(), outputFormat, outputOptions);
            if (out != null && !plan.resuming()) {
                plan.directory().mkdirs();
                manifest.write(plan.directory(), input.describe(), inputFingerprint);
            }
            long committed = 0;
            Dataset<Row> done = null;
            if (plan.resuming()) {
                spark.sparkContext().setJobDescription("plt " + name() + ": reading the row ids already committed");
                done = out.committedRowIds(spark);
                committed = done.count();
                LOG.info("--resume: {} rows already committed in {}; computing the others", committed, output);
                todo = todo.join(done, todo.col(RowIds.COLUMN).equalTo(done.col(RowIds.COLUMN)), "left_anti");
            }
            long total = counts.wellFormed() - committed;
            // By default several partitions per task slot, but not smaller than a micro-batch when the input is small.
            int slots = spark.sparkContext().defaultParallelism();
            int parts = partitions != null ? partitions : PartitionCount.fitted(
                    Math.max(rows.rdd().getNumPartitions(), 8 * slots), total, batchOptions.batchSize(), slots);
            spark.sparkContext().setJobGroup("plt-" + name(), String.format("plt %s: %d rows in %d partitions, "
                    + "micro-batches of up to %d rows", name(), total, parts, batchOptions.batchSize()), false);
            Dataset<Row> result = transformer.transform(todo.repartition(parts));
            if (malformed > 0) {
                // Every input line gets an output row: the malformed ones say where they were and why. Their
                // row ids come from file and line, so a resumed run does not write them twice.
                Dataset<Row> bad = MalformedRows.asOutput(read, result.schema(),
                        modelOptions.modelDirectory().getFileName().toString(), manifest.hash());
                if (done != null) {
                    bad = bad.join(done, bad.col(RowIds.COLUMN).equalTo(done.col(RowIds.COLUMN)), "left_anti");
                }
                result = result.union(bad);
            }
            try (Progress progress = new Progress("plt " + name(), total, transformer.rowsDone(),
                    transformer.tokensDone(), 10)) {
                if (out != null) {
                    out.append(result);
                } else {
                    plan.table().write(spark, result, manifest.hash());
                }
                Map<String, Long> byKind = new TreeMap<>(transformer.errorKinds().value());
                if (malformed > 0) {
                    MalformedRows.countByKind(read).forEach((kind, n) -> byKind.merge(kind, n, Long::sum));
                }
                long errors = transformer.rowErrors().value() + malformed;
                BatchPlanStats.Summary batches = transformer.batchPlan().value();
                if (out != null) {
                    RunManifest.recordRun(plan.directory(), runRecord(progress, errors, committed, batches, spark));
                }
                String summary = String.format("plt %s: %d rows (%d errors%s), %d prompt tokens in %.1f s: %.1f rows/s, "
                        + "%.0f tokens/s%s; %d micro-batches, the largest holding %s of KV cache -> %s", name(),
                        progress.rows() + malformed, errors, errors == 0 ? "" : ": " + ErrorKindCounts.describe(byKind),
                        progress.tokens(), progress.seconds(), progress.rows() / progress.seconds(),
                        progress.tokens() / progress.seconds(),
                        plan.resuming() ? " (resumed: " + committed + " rows were already committed)" : "",
                        batches.batches(), KvBudget.size(batches.largestKvBytes()),
                        out != null ? output : "table " + outputTable);
                System.out.println(summary);
                return failOnError && errors > 0 ? ExitCodes.ROW_ERRORS : 0;
            }
        } finally {
            session.close(); // stops Spark only if this job started it
        }
    }

    /** The job's transformer with the shared settings from the command line. */
    private PltTransformer configuredTransformer(Path modelDir, EngineSettings settings) {
        String modelPath = modelDir.toAbsolutePath().toString();
        PltTransformer transformer = transformer();
        transformer.setModelPath(modelPath)
                .setModelId(Path.of(modelPath).getFileName().toString())
                .setEngineSettings(settings);
        if (idsColumn != null) {
            transformer.setInputIdsCol(idsColumn);
        } else {
            transformer.setInputCol(textColumn);
        }
        return transformer;
    }

    /** Refuses, in one line, to resume into an output computed from another input or an input that changed. */
    private void checkResumableInput(OutputLocation out, InputFingerprint now) {
        InputFingerprint before = RunManifest.input(out).orElseThrow(() -> new IllegalArgumentException(
                "--resume: " + output + " does not record which input it was computed from (an older plt wrote it); "
                        + "use --overwrite or another --output"));
        if (!before.hash().equals(now.hash())) {
            throw new IllegalArgumentException("--resume: the input " + input.describe() + " is not the one " + output
                    + " was computed from (before: " + before.files() + " files, " + before.bytes() + " bytes; now: "
                    + now.files() + " files, " + now.bytes() + " bytes, or other names or modification times); "
                    + "use --overwrite or another --output");
        }
    }

    private Map<String, Object> runRecord(Progress progress, long errors, long committedBefore,
            BatchPlanStats.Summary plan, SparkSession spark) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("finished", Instant.now().toString());
        run.put("resumed", committedBefore > 0);
        run.put("rows_committed_before", committedBefore);
        run.put("rows", progress.rows());
        run.put("errors", errors);
        run.put("seconds", progress.seconds());
        run.put("master", spark.sparkContext().master());
        run.put("micro_batches", plan.batches());
        run.put("largest_batch_kv_bytes", plan.largestKvBytes());
        run.put("smallest_task_kv_budget_bytes", plan.batches() == 0 ? null : plan.smallestBudget());
        run.put("largest_batch_budget_share", plan.largestBudgetShare());
        return run;
    }
}
