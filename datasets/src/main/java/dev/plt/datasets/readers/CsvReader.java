package dev.plt.datasets.readers;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_csv;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
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
 * CSV in PERMISSIVE mode: a record with the wrong number of fields or a value that does not fit its
 * column type keeps its raw text in the corrupt column instead of failing the job, and so does a record
 * that is not UTF-8 or is over the length limit. Records are found with their line numbers and parsed
 * with {@code from_csv}, so malformed records are reported by line:
 * <ul>
 *   <li>one record per line (default), read in parallel within a file ({@link LineIndexedText});</li>
 *   <li>{@code multiLine}: a quoted field may hold newlines, which a line-based read would cut; each
 *       file is split into records by one task ({@link CsvRecords}).</li>
 * </ul>
 * With a header, the first record of each file is skipped.
 */
final class CsvReader {
    private CsvReader() {
    }

    static ReadResult read(SparkSession spark, String path, ReadOptions options) {
        Dataset<Row> records = (options.multiLine() ? CsvRecords.read(spark, path, options)
                : LineIndexedText.read(spark, path, options.limits().maxLineBytes(), line -> { })
                        .withColumn(CsvRecords.FIRST_COLUMN, col(ReadResult.LINE_COLUMN).equalTo(1)))
                .filter(trim(col(LineIndexedText.VALUE_COLUMN)).notEqual(""));
        StructType schema = options.schema() != null ? Schemas.without(options.schema(), options.corruptColumn())
                : spark.read().options(options.sparkOptions())
                        .option("header", options.header())
                        .option("inferSchema", options.inferSchema())
                        .csv(records.filter(col(ReadResult.PROBLEM_COLUMN).isNull())
                                .select(col(LineIndexedText.VALUE_COLUMN)).as(Encoders.STRING()))
                        .schema();
        Schemas.requireNoReservedColumns(schema, options.corruptColumn());
        StructType withCorrupt = schema.add(options.corruptColumn(), DataTypes.StringType, true);
        Dataset<Row> data = options.header() ? records.filter(not(col(CsvRecords.FIRST_COLUMN))) : records;

        Map<String, String> parserOptions = new HashMap<>(options.sparkOptions());
        parserOptions.put("mode", "PERMISSIVE");
        parserOptions.put("columnNameOfCorruptRecord", options.corruptColumn());
        Dataset<Row> parsed = Schemas.withProblemsCorrupt(data.select(col(ReadResult.FILE_COLUMN),
                        col(ReadResult.LINE_COLUMN), col(ReadResult.PROBLEM_COLUMN), col(ReadResult.PROBLEM_KIND_COLUMN),
                        col(LineIndexedText.VALUE_COLUMN).as(Schemas.RAW_LINE),
                        from_csv(col(LineIndexedText.VALUE_COLUMN), lit(withCorrupt.toDDL()), parserOptions)
                                .as(Schemas.PARSED)), options.corruptColumn())
                .select(col(ReadResult.FILE_COLUMN), col(ReadResult.LINE_COLUMN), col(ReadResult.PROBLEM_COLUMN),
                        col(ReadResult.PROBLEM_KIND_COLUMN), col(Schemas.PARSED + ".*"));
        return new ReadResult(parsed, List.of(schema.fieldNames()), options.corruptColumn());
    }
}
