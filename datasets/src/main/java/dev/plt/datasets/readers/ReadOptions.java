package dev.plt.datasets.readers;

import java.io.Serializable;
import java.util.Map;
import org.apache.spark.sql.types.StructType;

/**
 * How to read one input. Start from {@link #defaults()} and change what differs.
 *
 * @param format        null to take it from the file extension
 * @param failFast      throw {@link MalformedInputException} at read time, naming the first malformed
 *                      line, instead of setting malformed lines aside (JSONL, CSV)
 * @param schema        null to infer it (JSONL: from every line; CSV: column names from the header,
 *                      all strings unless {@code inferSchema})
 * @param header        CSV: the first line of each file names the columns
 * @param inferSchema   CSV: infer column types (an extra pass)
 * @param multiLine     CSV: records may span lines (a quoted field may hold newlines); each file is then
 *                      split into records by one task
 * @param corruptColumn the column that holds a malformed line's raw text (Spark's PERMISSIVE mode)
 * @param sparkOptions  passed to Spark's JSON/CSV/Parquet parser as they are ({@code sep}, {@code quote},
 *                      {@code nullValue}, {@code allowComments}...)
 * @param limits        what a JSONL/CSV line may hold before it is set aside unparsed
 */
public record ReadOptions(DataFormat format, boolean failFast, StructType schema, boolean header,
        boolean inferSchema, boolean multiLine, String corruptColumn, Map<String, String> sparkOptions,
        Limits limits) implements Serializable {

    public static final String DEFAULT_CORRUPT_COLUMN = "_corrupt_record";

    /**
     * Lines past these limits are set aside before Spark parses them: a line nested deeper than Spark's
     * recursive JSON code can take overflows its stack (and a job then hangs), and a string longer than
     * Jackson's 20 million characters fails to parse without a reason.
     *
     * @param maxLineBytes    a JSONL line or a CSV record over this many bytes is {@code too_long}
     * @param maxNestingDepth JSON arrays and objects nested deeper than this are a {@code malformed_line}
     */
    public record Limits(long maxLineBytes, int maxNestingDepth) implements Serializable {
        public static final Limits DEFAULT = new Limits(16L << 20, 64);

        public Limits {
            if (maxLineBytes < 1 || maxNestingDepth < 1) {
                throw new IllegalArgumentException("limits must be >= 1, got " + maxLineBytes + " bytes, depth "
                        + maxNestingDepth);
            }
        }
    }

    public ReadOptions {
        sparkOptions = Map.copyOf(sparkOptions);
        if (corruptColumn == null || corruptColumn.isBlank()) {
            throw new IllegalArgumentException("corruptColumn must be a column name");
        }
        if (limits == null) {
            throw new IllegalArgumentException("limits must be given (Limits.DEFAULT)");
        }
    }

    public static ReadOptions defaults() {
        return new ReadOptions(null, false, null, false, false, false, DEFAULT_CORRUPT_COLUMN, Map.of(), Limits.DEFAULT);
    }

    public ReadOptions withFormat(DataFormat f) {
        return new ReadOptions(f, failFast, schema, header, inferSchema, multiLine, corruptColumn, sparkOptions, limits);
    }

    public ReadOptions withFailFast(boolean b) {
        return new ReadOptions(format, b, schema, header, inferSchema, multiLine, corruptColumn, sparkOptions, limits);
    }

    public ReadOptions withSchema(StructType s) {
        return new ReadOptions(format, failFast, s, header, inferSchema, multiLine, corruptColumn, sparkOptions, limits);
    }

    public ReadOptions withHeader(boolean b) {
        return new ReadOptions(format, failFast, schema, b, inferSchema, multiLine, corruptColumn, sparkOptions, limits);
    }

    public ReadOptions withInferSchema(boolean b) {
        return new ReadOptions(format, failFast, schema, header, b, multiLine, corruptColumn, sparkOptions, limits);
    }

    public ReadOptions withMultiLine(boolean b) {
        return new ReadOptions(format, failFast, schema, header, inferSchema, b, corruptColumn, sparkOptions, limits);
    }

    public ReadOptions withCorruptColumn(String c) {
        return new ReadOptions(format, failFast, schema, header, inferSchema, multiLine, c, sparkOptions, limits);
    }

    public ReadOptions withSparkOptions(Map<String, String> o) {
        return new ReadOptions(format, failFast, schema, header, inferSchema, multiLine, corruptColumn, o, limits);
    }

    public ReadOptions withLimits(Limits l) {
        return new ReadOptions(format, failFast, schema, header, inferSchema, multiLine, corruptColumn, sparkOptions, l);
    }
}
