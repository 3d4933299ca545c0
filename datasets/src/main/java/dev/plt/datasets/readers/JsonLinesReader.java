package dev.plt.datasets.readers;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.trim;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * JSON Lines: one object per line. Lines are read as text with their numbers and parsed with
 * {@code from_json} in PERMISSIVE mode, so a malformed line (bad JSON, not an object, a value of the
 * wrong type) becomes a row with its raw text in the corrupt column and its line number, instead of
 * failing the job. Blank lines are skipped, as Spark's JSON reader does.
 */
final class JsonLinesReader {
    private JsonLinesReader() {
    }

    static ReadResult read(SparkSession spark, String path, ReadOptions options) {
        Dataset<Row> lines = LineIndexedText.read(spark, path)
                .filter(trim(col(LineIndexedText.VALUE_COLUMN)).notEqual(""));
        // A given schema may list the corrupt column already (Spark users often do); it is added below.
        StructType schema = options.schema() != null ? Schemas.without(options.schema(), options.corruptColumn())
                : infer(spark, lines, options);
        Schemas.requireNoReservedColumns(schema, options.corruptColumn());
        StructType withCorrupt = schema.add(options.corruptColumn(), DataTypes.StringType, true);

        Map<String, String> parserOptions = new HashMap<>(options.sparkOptions());
        parserOptions.put("mode", "PERMISSIVE");
        parserOptions.put("columnNameOfCorruptRecord", options.corruptColumn());
        Dataset<Row> parsed = lines.select(col(ReadResult.FILE_COLUMN), col(ReadResult.LINE_COLUMN),
                        from_json(col(LineIndexedText.VALUE_COLUMN), withCorrupt, parserOptions).as("_parsed"))
                .select(col(ReadResult.FILE_COLUMN), col(ReadResult.LINE_COLUMN), col("_parsed.*"));
        return new ReadResult(parsed, List.of(schema.fieldNames()), options.corruptColumn(), false);
    }

    /** Spark's JSON schema inference over the lines, without the corrupt column it adds for bad lines. */
    private static StructType infer(SparkSession spark, Dataset<Row> lines, ReadOptions options) {
        StructType inferred = spark.read().options(options.sparkOptions())
                .option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", options.corruptColumn())
                .json(lines.select(col(LineIndexedText.VALUE_COLUMN)).as(Encoders.STRING()))
                .schema();
        return Schemas.without(inferred, options.corruptColumn());
    }
}
