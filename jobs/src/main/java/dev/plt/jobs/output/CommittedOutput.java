package dev.plt.jobs.output;

import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
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
    private final OutputLocation dir;
    private final String format;

    /** @param format parquet or jsonl */
    public CommittedOutput(OutputLocation dir, String format) {
        this.dir = dir;
        this.format = checkFormat(format);
    }

    /** Refuses an output format other than parquet or jsonl, naming the option. */
    public static String checkFormat(String format) {
        if (!"parquet".equals(format) && !"jsonl".equals(format)) {
            throw new IllegalArgumentException("--output-format must be parquet or jsonl, got '" + format + "'");
        }
        return format;
    }

    public OutputLocation dir() {
        return dir;
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
        // With the schema given, Parquet reads only the id column and an empty directory is no error.
        var reader = spark.read().schema(idOnly);
        String path = dir.path().toString();
        Dataset<Row> rows = format.equals("jsonl") ? reader.json(path) : reader.parquet(path);
        return rows.select(RowIds.COLUMN);
    }

    /** Appends {@code rows}, each task's part file committed into the directory on its own. */
    public void append(Dataset<Row> rows) {
        var writer = rows.write().mode(SaveMode.Append)
                .option("mapreduce.fileoutputcommitter.algorithm.version", "2")
                // One file per task, so that a task's rows are committed by one rename.
                .option("maxRecordsPerFile", "0");
        String path = dir.path().toString();
        if (format.equals("jsonl")) {
            writer.json(path);
        } else {
            writer.parquet(path);
        }
    }
}
