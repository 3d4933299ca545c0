package dev.plt.datasets.readers;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.trim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON Lines: one object per line. Lines are read as text with their numbers and parsed with
 * {@code from_json} in PERMISSIVE mode, so a malformed line (bad JSON, not an object, a value of the
 * wrong type) becomes a row with its raw text in the corrupt column and its line number, instead of
 * failing the job. A line that is not valid Unicode (bytes that are not UTF-8, an escape of a lone
 * surrogate, which Spark would turn into {@code ?}) is set aside the same way, with the problem named.
 * Blank lines are skipped, as Spark's JSON reader does.
 */
final class JsonLinesReader {
    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesReader.class);

    private JsonLinesReader() {
    }

    static ReadResult read(SparkSession spark, String path, ReadOptions options) {
        Dataset<Row> lines = LineIndexedText.read(spark, path, JsonSurrogateEscapes::problem)
                .filter(trim(col(LineIndexedText.VALUE_COLUMN)).notEqual(""));
        // A given schema may list the corrupt column already (Spark users often do); it is added below.
        StructType schema = options.schema() != null ? Schemas.without(options.schema(), options.corruptColumn())
                : infer(spark, lines, options);
        Schemas.requireNoReservedColumns(schema, options.corruptColumn());
        StructType withCorrupt = schema.add(options.corruptColumn(), DataTypes.StringType, true);

        Map<String, String> parserOptions = new HashMap<>(options.sparkOptions());
        parserOptions.put("mode", "PERMISSIVE");
        parserOptions.put("columnNameOfCorruptRecord", options.corruptColumn());
        Dataset<Row> parsed = Schemas.withUnicodeProblemsCorrupt(lines.select(col(ReadResult.FILE_COLUMN),
                        col(ReadResult.LINE_COLUMN), col(ReadResult.UNICODE_PROBLEM_COLUMN),
                        col(LineIndexedText.VALUE_COLUMN).as(Schemas.RAW_LINE),
                        from_json(col(LineIndexedText.VALUE_COLUMN), withCorrupt, parserOptions).as(Schemas.PARSED)),
                        options.corruptColumn())
                .select(col(ReadResult.FILE_COLUMN), col(ReadResult.LINE_COLUMN), col(ReadResult.UNICODE_PROBLEM_COLUMN),
                        col(Schemas.PARSED + ".*"));
        return new ReadResult(parsed, List.of(schema.fieldNames()), options.corruptColumn(), false);
    }

    /** Spark's JSON schema inference over the lines, without the corrupt column it adds for bad lines. */
    private static StructType infer(SparkSession spark, Dataset<Row> lines, ReadOptions options) {
        StructType inferred = spark.read().options(options.sparkOptions())
                .option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", options.corruptColumn())
                .json(lines.select(col(LineIndexedText.VALUE_COLUMN)).as(Encoders.STRING()))
                .schema();
        return withoutCaseCollisions(lines, Schemas.without(inferred, options.corruptColumn()));
    }

    /**
     * Keys that differ only in case ({@code "text"} and a damaged line's {@code "tExt"}) are two fields
     * to the inference but one ambiguous column to Spark's case-insensitive queries and writers, so one
     * odd line would fail the whole read. Of each such group the key found on most lines is kept; the
     * lines with another one just lack that field.
     */
    private static StructType withoutCaseCollisions(Dataset<Row> lines, StructType schema) {
        Map<String, List<StructField>> byLowerCase = new LinkedHashMap<>();
        for (StructField f : schema.fields()) {
            byLowerCase.computeIfAbsent(f.name().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(f);
        }
        List<StructField> kept = new ArrayList<>();
        for (List<StructField> group : byLowerCase.values()) {
            if (group.size() == 1) {
                kept.add(group.get(0));
                continue;
            }
            StructField best = null;
            long bestCount = -1;
            for (StructField f : group) {
                // Counts lines holding the key as written; a rare case, so one small job per key is fine.
                long count = lines.filter(col(LineIndexedText.VALUE_COLUMN).contains(
                        "\"" + f.name().replace("\\", "\\\\").replace("\"", "\\\"") + "\"")).count();
                if (count > bestCount) {
                    best = f;
                    bestCount = count;
                }
            }
            kept.add(best);
            LOG.warn("JSONL keys {} differ only in case; keeping '{}' (on the most lines)",
                    group.stream().map(StructField::name).toList(), best.name());
        }
        return new StructType(kept.toArray(StructField[]::new));
    }
}
