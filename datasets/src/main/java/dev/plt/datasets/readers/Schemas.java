package dev.plt.datasets.readers;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Small schema helpers shared by the readers. */
final class Schemas {
    /** A line's text, next to its parse, while the readers decide whether it is malformed. */
    static final String RAW_LINE = "_raw_line";
    /** A line's parse (from_json / from_csv): the data columns and the corrupt column, as one struct. */
    static final String PARSED = "_parsed";

    private Schemas() {
    }

    /**
     * Lines with a problem (not valid Unicode, too long, ...) count as malformed even when they parse:
     * their text goes into the parsed struct's corrupt field, which is what sets a line aside.
     */
    static Dataset<Row> withProblemsCorrupt(Dataset<Row> lines, String corruptColumn) {
        Column corrupt = when(col(ReadResult.PROBLEM_COLUMN).isNotNull(), col(RAW_LINE))
                .otherwise(col(PARSED).getField(corruptColumn));
        return lines.withColumn(PARSED, col(PARSED).withField(corruptColumn, corrupt));
    }

    static StructType without(StructType schema, String column) {
        return new StructType(Arrays.stream(schema.fields())
                .filter(f -> !f.name().equals(column))
                .toArray(StructField[]::new));
    }

    /** The bookkeeping columns must not collide with data columns. */
    static void requireNoReservedColumns(StructType schema, String corruptColumn) {
        for (String reserved : new String[] {ReadResult.FILE_COLUMN, ReadResult.LINE_COLUMN,
            ReadResult.PROBLEM_COLUMN, ReadResult.PROBLEM_KIND_COLUMN, corruptColumn}) {
            if (Arrays.asList(schema.fieldNames()).contains(reserved)) {
                throw new IllegalArgumentException("the data has a column named " + reserved
                        + ", which the reader uses for bookkeeping; rename it or choose another corruptColumn");
            }
        }
    }
}
