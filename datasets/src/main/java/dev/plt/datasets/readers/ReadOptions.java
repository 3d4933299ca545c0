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
 * @param multiLine     CSV: records may span lines (quoted newlines). Read by Spark's CSV reader, so
 *                      malformed records have no line numbers
 * @param corruptColumn the column that holds a malformed line's raw text (Spark's PERMISSIVE mode)
 * @param sparkOptions  passed to Spark's JSON/CSV/Parquet parser as they are ({@code sep}, {@code quote},
 *                      {@code nullValue}, {@code allowComments}...)
 */
public record ReadOptions(DataFormat format, boolean failFast, StructType schema, boolean header,
        boolean inferSchema, boolean multiLine, String corruptColumn, Map<String, String> sparkOptions)
        implements Serializable {

    public static final String DEFAULT_CORRUPT_COLUMN = "_corrupt_record";

    public ReadOptions {
        sparkOptions = Map.copyOf(sparkOptions);
        if (corruptColumn == null || corruptColumn.isBlank()) {
            throw new IllegalArgumentException("corruptColumn must be a column name");
        }
    }

    public static ReadOptions defaults() {
        return new ReadOptions(null, false, null, false, false, false, DEFAULT_CORRUPT_COLUMN, Map.of());
    }

    public ReadOptions withFormat(DataFormat f) {
        return new ReadOptions(f, failFast, schema, header, inferSchema, multiLine, corruptColumn, sparkOptions);
    }

    public ReadOptions withFailFast(boolean b) {
        return new ReadOptions(format, b, schema, header, inferSchema, multiLine, corruptColumn, sparkOptions);
    }

    public ReadOptions withSchema(StructType s) {
        return new ReadOptions(format, failFast, s, header, inferSchema, multiLine, corruptColumn, sparkOptions);
    }

    public ReadOptions withHeader(boolean b) {
        return new ReadOptions(format, failFast, schema, b, inferSchema, multiLine, corruptColumn, sparkOptions);
    }

    public ReadOptions withInferSchema(boolean b) {
        return new ReadOptions(format, failFast, schema, header, b, multiLine, corruptColumn, sparkOptions);
    }

    public ReadOptions withMultiLine(boolean b) {
        return new ReadOptions(format, failFast, schema, header, inferSchema, b, corruptColumn, sparkOptions);
    }

    public ReadOptions withCorruptColumn(String c) {
        return new ReadOptions(format, failFast, schema, header, inferSchema, multiLine, c, sparkOptions);
    }

    public ReadOptions withSparkOptions(Map<String, String> o) {
        return new ReadOptions(format, failFast, schema, header, inferSchema, multiLine, corruptColumn, o);
    }
}
