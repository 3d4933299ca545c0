package dev.plt.datasets.readers;

import java.util.Arrays;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Small schema helpers shared by the readers. */
final class Schemas {
    private Schemas() {
    }

    static StructType without(StructType schema, String column) {
        return new StructType(Arrays.stream(schema.fields())
                .filter(f -> !f.name().equals(column))
                .toArray(StructField[]::new));
    }

    /** The bookkeeping columns must not collide with data columns. */
    static void requireNoReservedColumns(StructType schema, String corruptColumn) {
        for (String reserved : new String[] {ReadResult.FILE_COLUMN, ReadResult.LINE_COLUMN, corruptColumn}) {
            if (Arrays.asList(schema.fieldNames()).contains(reserved)) {
                throw new IllegalArgumentException("the data has a column named " + reserved
                        + ", which the reader uses for bookkeeping; rename it or choose another corruptColumn");
            }
        }
    }
}
