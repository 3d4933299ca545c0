package dev.plt.datasets.readers;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_csv;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * CSV in PERMISSIVE mode: a record with the wrong number of fields or a value that does not fit its
 * column type keeps its raw text in the corrupt column instead of failing the job (so does a line
 * that is not UTF-8, in one-record-per-line mode).
 * <ul>
 *   <li>One record per line (default): lines are read as text with their numbers and parsed with
 *       {@code from_csv}, so malformed records are reported by line. With a header, line 1 of each
 *       file is skipped.</li>
 *   <li>{@code multiLine}: quoted fields may hold newlines, which a line-based parse would cut, so
 *       Spark's CSV file reader parses the files; malformed records keep their file but not their line.</li>
 * </ul>
 */
final class CsvReader {
    private CsvReader() {
    }

    static ReadResult read(SparkSession spark, String path, ReadOptions options) {
        return options.multiLine() ? readMultiLine(spark, path, options) : readLines(spark, path, options);
    }

    private static ReadResult readLines(SparkSession spark, String path, ReadOptions options) {
        Dataset<Row> lines = LineIndexedText.read(spark, path)
                .filter(trim(col(LineIndexedText.VALUE_COLUMN)).notEqual(""));
        StructType schema = options.schema() != null ? Schemas.without(options.schema(), options.corruptColumn())
                : spark.read().options(options.sparkOptions())
                        .option("header", options.header())
                        .option("inferSchema", options.inferSchema())
                        .csv(lines.select(col(LineIndexedText.VALUE_COLUMN)).as(Encoders.STRING()))
                        .schema();
        Schemas.requireNoReservedColumns(schema, options.corruptColumn());
        StructType withCorrupt = schema.add(options.corruptColumn(), DataTypes.StringType, true);
        Dataset<Row> records = options.header() ? lines.filter(col(ReadResult.LINE_COLUMN).gt(1)) : lines;

        Map<String, String> parserOptions = new HashMap<>(options.sparkOptions());
        parserOptions.put("mode", "PERMISSIVE");
        parserOptions.put("columnNameOfCorruptRecord", options.corruptColumn());
        Dataset<Row> parsed = Schemas.withUnicodeProblemsCorrupt(records.select(col(ReadResult.FILE_COLUMN),
                        col(ReadResult.LINE_COLUMN), col(ReadResult.UNICODE_PROBLEM_COLUMN),
                        col(LineIndexedText.VALUE_COLUMN).as(Schemas.RAW_LINE),
                        from_csv(col(LineIndexedText.VALUE_COLUMN), lit(withCorrupt.toDDL()), parserOptions)
                                .as(Schemas.PARSED)), options.corruptColumn())
                .select(col(ReadResult.FILE_COLUMN), col(ReadResult.LINE_COLUMN), col(ReadResult.UNICODE_PROBLEM_COLUMN),
                        col(Schemas.PARSED + ".*"));
        return new ReadResult(parsed, List.of(schema.fieldNames()), options.corruptColumn(), false);
    }

    private static ReadResult readMultiLine(SparkSession spark, String path, ReadOptions options) {
        StructType schema = options.schema() != null ? Schemas.without(options.schema(), options.corruptColumn())
                : Schemas.without(multiLineReader(spark, options).option("inferSchema", options.inferSchema())
                        .csv(path).schema(), options.corruptColumn());
        Schemas.requireNoReservedColumns(schema, options.corruptColumn());
        Dataset<Row> parsed = multiLineReader(spark, options)
                .option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", options.corruptColumn())
                .schema(schema.add(options.corruptColumn(), DataTypes.StringType, true))
                .csv(path)
                .withColumn(ReadResult.FILE_COLUMN, col("_metadata.file_path"))
                .withColumn(ReadResult.LINE_COLUMN, lit(null).cast(DataTypes.LongType));
        return new ReadResult(parsed, List.of(schema.fieldNames()), options.corruptColumn(), true);
    }

    private static DataFrameReader multiLineReader(SparkSession spark, ReadOptions options) {
        return spark.read().options(options.sparkOptions())
                .option("header", options.header())
                .option("multiLine", true);
    }
}
