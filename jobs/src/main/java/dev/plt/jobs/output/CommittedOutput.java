package dev.plt.jobs.output;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.AtomicType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The output directory of a score/generate job, written so that an interrupted job loses only the
 * partitions it was still computing. Each task writes one part file and, when the task commits,
 * Hadoop's file committer (algorithm 2) renames it into the directory: a part file appears complete
 * or not at all, and it stays there whether or not the job ever commits (Spark's default, algorithm
 * 1, keeps task output under {@code _temporary} until job commit and so loses all of it when the
 * driver dies). A retried task writes the same file name (partition number and write-job id) and
 * replaces its earlier copy, so a retry never duplicates rows. Every run appends files with its own
 * write-job id; readers skip {@code _temporary} and the {@code _}-prefixed run record.
 *
 * <p>The rename is atomic on local and HDFS-like file systems; on object stores (S3) it is a copy,
 * and this guarantee needs a committer made for them (docs/RELIABILITY.md).
 */
public final class CommittedOutput {
    private static final java.util.regex.Pattern SOURCE_NAME = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9._-]*");

    private final OutputLocation dir;
    private final String format;
    private final Map<String, String> options;

    /** @param format parquet, jsonl, orc, csv or any Spark source name */
    public CommittedOutput(OutputLocation dir, String format) {
        this(dir, format, Map.of());
    }

    public CommittedOutput(OutputLocation dir, String format, Map<String, String> options) {
        this.dir = dir;
        this.format = checkFormat(format);
        this.options = new LinkedHashMap<>(options);
        if (this.format.equals("csv")) {
            this.options.putIfAbsent("header", "true"); // a resume reads the row ids back by name
        }
    }

    /** Refuses an output format that is not a source name, naming the option. */
    public static String checkFormat(String format) {
        if (format == null || !SOURCE_NAME.matcher(format.strip()).matches()) {
            throw new IllegalArgumentException("--output-format must be parquet, jsonl, orc, csv or a Spark source name, "
                    + "got '" + format + "'");
        }
        return format.strip().toLowerCase(java.util.Locale.ROOT);
    }

    /** Refuses, before any work, columns the format cannot hold (CSV has no arrays, maps or structs). */
    public static void checkColumns(String format, StructType schema) {
        if (!"csv".equals(checkFormat(format))) {
            return;
        }
        for (StructField field : schema.fields()) {
            if (!(field.dataType() instanceof AtomicType)) {
                throw new IllegalArgumentException("--output-format csv cannot hold the column '" + field.name() + "' ("
                        + field.dataType().simpleString() + "); use parquet, jsonl or orc");
            }
        }
    }

    /** Spark's name for the format: JSON Lines is Spark's json source. */
    private String source() {
        return format.equals("jsonl") ? "json" : format;
    }

    /** The committed part files (what a reader of the directory sees), by name. */
    public List<String> partFiles() {
        return dir.list().stream().filter(FileStatus::isFile).map(s -> s.getPath().getName())
                .filter(name -> name.startsWith("part-")).sorted().toList();
    }

    /** The row ids of every committed row (one column, {@code row_id}). */
    public Dataset<Row> committedRowIds(SparkSession spark) {
        StructType idOnly = new StructType().add(RowIds.COLUMN, DataTypes.StringType);
        if (partFiles().isEmpty()) {
            return spark.createDataFrame(List.of(), idOnly);
        }
        String path = dir.path().toString();
        DataFrameReader reader = spark.read().format(source()).options(options);
        // With the schema given, Parquet, ORC and JSON read only the id column; CSV maps a schema by position,
        // so it is read by its header's names.
        Dataset<Row> rows = format.equals("csv") ? reader.load(path) : reader.schema(idOnly).load(path);
        return rows.select(RowIds.COLUMN);
    }

    /** Appends {@code rows}, each task's part file committed into the directory on its own. */
    public void append(Dataset<Row> rows) {
        rows.write().format(source()).options(options).mode(SaveMode.Append)
                .option("mapreduce.fileoutputcommitter.algorithm.version", "2")
                // One file per task, so that a task's rows are committed by one rename.
                .option("maxRecordsPerFile", "0")
                .save(dir.path().toString());
    }
}
