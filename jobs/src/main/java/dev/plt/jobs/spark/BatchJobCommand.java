package dev.plt.jobs.spark;

import dev.plt.jobs.cli.LengthOptions;
import dev.plt.jobs.cli.ModelOptions;
import dev.plt.datasets.readers.DataFormat;
import dev.plt.datasets.readers.ReadResult;
import dev.plt.model.inference.LengthLimit;
import dev.plt.model.inference.PltModel;
import dev.plt.udfs.batch.ErrorKindCounts;
import dev.plt.udfs.ml.PltTransformer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What {@code plt score} and {@code plt generate} share: read any of the four input formats, run one
 * transformer over it, write Parquet (or JSONL) in the output contract, log progress and a summary.
 * Everything that can be checked before work starts (model config, input file, columns, output path)
 * is checked first, so a bad job fails in seconds with one line.
 */
public abstract class BatchJobCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(BatchJobCommand.class);

    @Mixin
    protected ModelOptions modelOptions;

    @Mixin
    protected SparkOptions sparkOptions;

    @Mixin
    LengthOptions lengthOptions;

    @Option(names = "--input", required = true, paramLabel = "PATH", description = "Input file or directory.")
    Path input;

    @Option(names = "--format", paramLabel = "FMT",
            description = "Input format: jsonl, parquet, csv or arrow. Default: from the file extension.")
    String format;

    @Option(names = "--csv-no-header", description = "CSV input has no header line (columns are then _c0, _c1, ...).")
    boolean csvWithoutHeader;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output directory.")
    Path output;

    @Option(names = "--output-format", defaultValue = "parquet", paramLabel = "FMT",
            description = "parquet or jsonl. Default: ${DEFAULT-VALUE}.")
    String outputFormat;

    @Option(names = "--overwrite", description = "Replace the output directory if it exists.")
    boolean overwrite;

    @Option(names = "--text-col", defaultValue = "text", paramLabel = "COL",
            description = "Text column to tokenize. Default: ${DEFAULT-VALUE}.")
    String textColumn;

    @Option(names = "--ids-col", paramLabel = "COL", description = "array<int> token-id column (instead of --text-col).")
    String idsColumn;

    @Option(names = "--batch-size", defaultValue = "16", paramLabel = "N",
            description = "Rows per engine micro-batch (results do not depend on it). Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--max-batch-tokens", defaultValue = "16384", paramLabel = "N",
            description = "Tokens per engine micro-batch. Default: ${DEFAULT-VALUE}.")
    long maxBatchTokens;

    @Option(names = "--partitions", paramLabel = "N", description = "Repartition the input into N partitions.")
    Integer partitions;

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

    @Override
    public Integer call() {
        Path modelDir = modelOptions.modelDirectory();
        PltModel.check(modelDir); // a bad model fails here, before Spark starts
        LengthLimit limit = lengthOptions.limit(LengthLimit.Overlong.ERROR);
        if (!outputFormat.equals("parquet") && !outputFormat.equals("jsonl")) {
            throw new IllegalArgumentException("--output-format must be parquet or jsonl, got '" + outputFormat + "'");
        }
        if (Files.exists(output) && !overwrite) {
            throw new IllegalArgumentException("--output " + output + " already exists (use --overwrite to replace it)");
        }
        DataFormat inputFormat = InputReader.formatOf(input, format);
        SparkSession spark = sparkOptions.session("plt " + name());
        try {
            ReadResult read = InputReader.read(spark, input, inputFormat, !csvWithoutHeader, failOnMalformed);
            long malformed = read.malformedCount();
            if (malformed > 0) {
                LOG.warn("{} malformed input lines, written as error rows; first: {}", malformed,
                        read.malformedRecords(3));
            }
            Dataset<Row> rows = read.rows();
            if (partitions != null) {
                rows = rows.repartition(partitions);
            }
            PltTransformer transformer = transformer();
            String modelPath = modelDir.toAbsolutePath().toString();
            transformer.setModelPath(modelPath)
                    .setModelId(Path.of(modelPath).getFileName().toString())
                    .setMaxLength(limit.maxLength())
                    .setOverlong(limit.overlong().option())
                    .setBatchSize(batchSize)
                    .setMaxBatchTokens(maxBatchTokens)
                    .setBackend(modelOptions.backend())
                    .setEnginePath(modelOptions.path());
            if (modelOptions.threads() != null) {
                transformer.setThreads(modelOptions.threads());
            }
            if (idsColumn != null) {
                transformer.setInputIdsCol(idsColumn);
            } else {
                transformer.setInputCol(textColumn);
            }
            Dataset<Row> result = transformer.transform(rows);
            if (malformed > 0) {
                // Every input line gets an output row: the malformed ones say where they were and why.
                result = result.union(MalformedRows.asOutput(read, result.schema(), Path.of(modelPath).getFileName()
                        .toString()));
            }
            try (Progress progress = new Progress("plt " + name(), transformer.rowsDone(), transformer.tokensDone(), 10)) {
                var writer = result.write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists);
                if (outputFormat.equals("jsonl")) {
                    writer.json(output.toString());
                } else {
                    writer.parquet(output.toString());
                }
                Map<String, Long> byKind = new TreeMap<>(transformer.errorKinds().value());
                if (malformed > 0) {
                    MalformedRows.countByKind(read).forEach((kind, n) -> byKind.merge(kind, n, Long::sum));
                }
                long errors = transformer.rowErrors().value() + malformed;
                String summary = String.format("plt %s: %d rows (%d errors%s), %d prompt tokens in %.1f s: %.1f rows/s, "
                        + "%.0f tokens/s -> %s", name(), progress.rows() + malformed, errors,
                        errors == 0 ? "" : ": " + ErrorKindCounts.describe(byKind), progress.tokens(),
                        progress.seconds(), progress.rows() / progress.seconds(), progress.tokens() / progress.seconds(),
                        output);
                System.out.println(summary);
                return failOnError && errors > 0 ? dev.plt.jobs.cli.PltCli.EXIT_ROW_ERRORS : 0;
            }
        } finally {
            spark.stop();
        }
    }
}
