package dev.plt.jobs.spark;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

import dev.plt.jobs.output.RowIds;

import dev.plt.datasets.readers.ReadResult;
import dev.plt.jobs.output.RowIds;
import dev.plt.model.inference.ErrorKind;
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
 * The malformed lines of a JSONL or CSV input as rows of the output contract, so that a job loses no
 * input line: every other column null, {@code error} naming the file, the line, the problem and the
 * text (cut to 200 characters), {@code error_kind} {@code invalid_utf8} for a line that is not valid
 * Unicode and {@code malformed_line} for one that did not parse.
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
        Column problem = col(ReadResult.UNICODE_PROBLEM_COLUMN);
        Column error = concat(lit("malformed input line "), col(ReadResult.FILE_COLUMN), lit(":"),
                coalesce(col(ReadResult.LINE_COLUMN).cast(DataTypes.StringType), lit("?")), lit(": "),
                when(problem.isNotNull(), concat(problem, lit(": "))).otherwise(lit("")), coalesce(shown, lit("")));
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
        return when(col(ReadResult.UNICODE_PROBLEM_COLUMN).isNotNull(), lit(ErrorKind.INVALID_UTF8.code()))
                .otherwise(lit(ErrorKind.MALFORMED_LINE.code())).as(OutputContract.ERROR_KIND);
    }
}
