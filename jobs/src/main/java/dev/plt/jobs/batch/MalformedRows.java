package dev.plt.jobs.batch;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

import dev.plt.datasets.readers.ReadResult;
import dev.plt.jobs.output.RowIds;
import dev.plt.udfs.batch.OutputContract;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The lines of a JSONL or CSV input that the reader set aside, as rows of the output contract, so that a
 * job loses no input line: every other column null, {@code error} naming the file, the line, the problem
 * and the text (cut to 200 characters), {@code error_kind} the reader's: {@code invalid_utf8} for a line
 * that is not valid Unicode, {@code too_long} for one over the length limit, {@code invalid_input} for a
 * string column holding another JSON type, {@code malformed_line} for one that did not parse or is
 * nested too deep.
 */
final class MalformedRows {
    private static final int SHOWN_CHARACTERS = 200;

    private MalformedRows() {
    }

    static Dataset<Row> asOutput(ReadResult read, StructType outputSchema, String modelId, String settingsHash) {
        Dataset<Row> malformed = read.malformed();
        Column text = col(malformed.columns()[2]);
        Column shown = when(length(text).gt(SHOWN_CHARACTERS),
                concat(substring(text, 1, SHOWN_CHARACTERS - 3), lit("..."))).otherwise(text);
        Column error = concat(lit("input line "), col(ReadResult.FILE_COLUMN), lit(":"),
                coalesce(col(ReadResult.LINE_COLUMN).cast(DataTypes.StringType), lit("?")), lit(": "),
                coalesce(col(ReadResult.PROBLEM_COLUMN), lit("malformed")), lit(": "), coalesce(shown, lit("")));
        List<Column> columns = new ArrayList<>();
        for (StructField field : outputSchema.fields()) {
            Column value = switch (field.name()) {
                case OutputContract.ERROR -> error;
                case OutputContract.ERROR_KIND -> kind();
                case OutputContract.MODEL_ID -> lit(modelId);
                case RowIds.COLUMN -> RowIds.ofMalformedLine(settingsHash, col(ReadResult.FILE_COLUMN),
                        col(ReadResult.LINE_COLUMN));
                default -> lit(null).cast(field.dataType());
            };
            columns.add(value.as(field.name()));
        }
        return malformed.select(columns.toArray(Column[]::new));
    }

    /** The malformed lines counted by {@code error_kind} (one pass over the input). */
    static Map<String, Long> countByKind(ReadResult read) {
        Map<String, Long> counts = new TreeMap<>();
        for (Row r : read.malformed().groupBy(kind()).count().collectAsList()) {
            counts.put(r.getString(0), r.getLong(1));
        }
        return counts;
    }

    private static Column kind() {
        return col(ReadResult.PROBLEM_KIND_COLUMN).as(OutputContract.ERROR_KIND);
    }
}
