package dev.plt.datasets.readers;

import static org.apache.spark.sql.functions.col;

import dev.plt.model.errors.ErrorKind;
import dev.plt.model.errors.InvalidInputException;
import dev.plt.model.tokenizer.StrictUtf8;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Text files as rows of ({@link ReadResult#FILE_COLUMN}, {@link ReadResult#LINE_COLUMN}, {@code value},
 * {@link ReadResult#PROBLEM_COLUMN}, {@link ReadResult#PROBLEM_KIND_COLUMN}), with 1-based line numbers,
 * so that a malformed JSONL or CSV line can be reported by number.
 *
 * <p>Lines end at {@code \n} only (a {@code \r} before it is dropped): Spark's text source would also cut
 * at a lone {@code \r}, so one damaged line would become two rows and shift every later line number.
 *
 * <p>Each line is decoded from UTF-8 strictly: Spark's own decoding would replace bytes that are not
 * UTF-8 with U+FFFD unnoticed, so such a line keeps that lossy text in {@code value} but gets a problem
 * saying where its first bad byte is, and the readers set it aside as malformed. A line over
 * {@code maxLineBytes} keeps only its beginning (for messages) and is set aside as {@code too_long}. A
 * reader may add its own check (JSONL: nesting depth, escapes of lone surrogates).
 *
 * <p>Each file is numbered on its own with {@code zipWithIndex}, which follows partition order: within
 * one file Spark's splits stay in offset order, across files they do not, hence one numbering per file.
 * The cost is one extra pass (a Spark job that counts the lines of each partition) per file; fine for
 * evaluation sets, worth knowing for a directory of thousands of files.
 */
public final class LineIndexedText {
    public static final String VALUE_COLUMN = "value";
    /** How much of a line over the length limit is kept, for its error message. */
    static final int SHOWN_BYTES = 1000;

    static final StructType SCHEMA = new StructType()
            .add(ReadResult.FILE_COLUMN, DataTypes.StringType, false)
            .add(ReadResult.LINE_COLUMN, DataTypes.LongType, false)
            .add(VALUE_COLUMN, DataTypes.StringType, true)
            .add(ReadResult.PROBLEM_COLUMN, DataTypes.StringType, true)
            .add(ReadResult.PROBLEM_KIND_COLUMN, DataTypes.StringType, true);

    /** A reader's extra check of a decoded line. */
    public interface LineCheck extends Serializable {
        /** @throws InvalidInputException saying what is wrong with {@code line}, with the error kind */
        void check(String line);
    }

    private LineIndexedText() {
    }

    /** Every line of every file at {@code path} (a file, a directory or a glob). */
    public static Dataset<Row> read(SparkSession spark, String path) {
        return read(spark, path, ReadOptions.Limits.DEFAULT.maxLineBytes(), line -> { });
    }

    /** Every line of every file at {@code path}, each also checked by {@code check}. */
    public static Dataset<Row> read(SparkSession spark, String path, long maxLineBytes, LineCheck check) {
        Dataset<Row> all = null;
        for (String file : files(spark, path)) {
            // As bytes: the text source's strings hold the raw bytes, which the cast keeps.
            JavaRDD<Row> lines = spark.read().option("lineSep", "\n").text(file)
                    .select(col("value").cast(DataTypes.BinaryType)).javaRDD()
                    .zipWithIndex()
                    .map(t -> decoded(file, t._2() + 1, withoutCarriageReturn((byte[]) t._1().get(0)), maxLineBytes,
                            check));
            Dataset<Row> numbered = spark.createDataFrame(lines, SCHEMA);
            all = all == null ? numbered : all.union(numbered);
        }
        return all;
    }

    /**
     * A row of {@link #SCHEMA} for one line or record: its text, or if it is over {@code maxBytes}, not
     * UTF-8 or fails {@code check}, its (beginning of) text with the problem and its kind.
     */
    static Row decoded(String file, long line, byte[] bytes, long maxBytes, LineCheck check) {
        if (bytes.length > maxBytes) {
            String start = new String(bytes, 0, Math.min(SHOWN_BYTES, bytes.length), StandardCharsets.UTF_8);
            return RowFactory.create(file, line, start + "...", String.format(
                    "%,d bytes, over the limit of %,d bytes per line", bytes.length, maxBytes), ErrorKind.TOO_LONG.code());
        }
        try {
            String text = StrictUtf8.decode(bytes);
            check.check(text);
            return RowFactory.create(file, line, text, null, null);
        } catch (InvalidInputException e) {
            return RowFactory.create(file, line, new String(bytes, StandardCharsets.UTF_8), e.getMessage(),
                    e.kind().code());
        }
    }

    private static byte[] withoutCarriageReturn(byte[] line) {
        int n = line.length;
        return n > 0 && line[n - 1] == '\r' ? Arrays.copyOf(line, n - 1) : line;
    }

    /**
     * The data files at {@code path}, sorted: the file itself, a directory's files (skipping names that
     * start with '_' or '.', like Spark), or a glob's matches.
     */
    public static List<String> files(SparkSession spark, String path) {
        List<String> out = list(spark, path);
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no input files at " + path);
        }
        return out;
    }

    /** {@link #files}, or an empty list. */
    static List<String> list(SparkSession spark, String path) {
        Path hadoopPath = new Path(path);
        List<String> out = new ArrayList<>();
        try {
            FileSystem fs = hadoopPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
            FileStatus[] matches = fs.globStatus(hadoopPath);
            if (matches != null) {
                for (FileStatus match : matches) {
                    if (match.isDirectory()) {
                        for (FileStatus child : fs.listStatus(match.getPath())) {
                            if (child.isFile() && !hidden(child.getPath().getName())) {
                                out.add(child.getPath().toString());
                            }
                        }
                    } else {
                        out.add(match.getPath().toString());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + path, e);
        }
        out.sort(null);
        return out;
    }

    private static boolean hidden(String name) {
        return name.startsWith("_") || name.startsWith(".");
    }
}
