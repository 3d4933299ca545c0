package dev.plt.datasets.readers;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import dev.plt.model.errors.ErrorKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON Lines: one object per line. Lines are read as text with their numbers and parsed with
 * {@code from_json} in PERMISSIVE mode, so a malformed line (bad JSON, not an object, a value of the
 * wrong type) becomes a row with its raw text in the corrupt column and its line number, instead of
 * failing the job. Some lines are set aside before Spark's parser sees them, with the problem named
 * ({@link JsonLineCheck}): not valid Unicode (bytes that are not UTF-8, an escape of a lone surrogate,
 * which Spark would turn into {@code ?}), over the length limit, nested too deep; and after it, a line
 * whose string column holds another JSON type. Blank lines are skipped, as Spark's JSON reader does.
 */
final class JsonLinesReader {
    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesReader.class);

    private JsonLinesReader() {
    }

    static ReadResult read(SparkSession spark, String path, ReadOptions options) {
        Dataset<Row> lines = LineIndexedText.read(spark, path, options.limits().maxLineBytes(),
                        new JsonLineCheck(options.limits().maxNestingDepth()))
                .filter(trim(col(LineIndexedText.VALUE_COLUMN)).notEqual(""));
        // A given schema may list the corrupt column already (Spark users often do); it is added below.
        StructType schema = options.schema() != null ? Schemas.without(options.schema(), options.corruptColumn())
                : infer(spark, lines.filter(col(ReadResult.PROBLEM_COLUMN).isNull()), options);
        Schemas.requireNoReservedColumns(schema, options.corruptColumn());
        StructType withCorrupt = schema.add(options.corruptColumn(), DataTypes.StringType, true);
        lines = withWrongTypesSetAside(lines, schema, options);

        Map<String, String> parserOptions = new HashMap<>(options.sparkOptions());
        parserOptions.put("mode", "PERMISSIVE");
        parserOptions.put("columnNameOfCorruptRecord", options.corruptColumn());
        // A line set aside is never given to Spark's parser (a deep one would overflow its stack).
        Column parseable = when(col(ReadResult.PROBLEM_COLUMN).isNull(), col(LineIndexedText.VALUE_COLUMN))
                .otherwise(lit("{}"));
        Dataset<Row> parsed = Schemas.withProblemsCorrupt(lines.select(col(ReadResult.FILE_COLUMN),
                        col(ReadResult.LINE_COLUMN), col(ReadResult.PROBLEM_COLUMN), col(ReadResult.PROBLEM_KIND_COLUMN),
                        col(LineIndexedText.VALUE_COLUMN).as(Schemas.RAW_LINE),
                        from_json(parseable, withCorrupt, parserOptions).as(Schemas.PARSED)),
                        options.corruptColumn());
        // The lines Spark did not parse get a reason too (which is rare, so the second parse costs little).
        Column unparsed = col(Schemas.PARSED).getField(options.corruptColumn()).isNotNull()
                .and(col(ReadResult.PROBLEM_COLUMN).isNull());
        Column problem = when(unparsed, udf((UDF1<String, String>) JsonLineCheck::whyMalformed, DataTypes.StringType)
                .apply(col(Schemas.RAW_LINE))).otherwise(col(ReadResult.PROBLEM_COLUMN));
        parsed = parsed.select(col(ReadResult.FILE_COLUMN), col(ReadResult.LINE_COLUMN), problem.as(ReadResult.PROBLEM_COLUMN),
                col(ReadResult.PROBLEM_KIND_COLUMN), col(Schemas.PARSED + ".*"));
        return new ReadResult(parsed, List.of(schema.fieldNames()), options.corruptColumn());
    }

    /**
     * A line whose value for a string column is a JSON number, boolean, array or object is set aside as
     * {@code invalid_input}: Spark's parser would store that value's JSON text in the column (and the
     * schema inference makes a column a string as soon as one line has a string there), so a job would
     * score {@code "5"} or {@code "[1,2]"} as if it were the text.
     */
    private static Dataset<Row> withWrongTypesSetAside(Dataset<Row> lines, StructType schema, ReadOptions options) {
        Set<String> strings = new HashSet<>();
        for (StructField f : schema.fields()) {
            if (f.dataType() == DataTypes.StringType) {
                strings.add(f.name());
            }
        }
        if (strings.isEmpty() || "true".equalsIgnoreCase(options.sparkOptions().get("primitivesAsString"))) {
            return lines;
        }
        Column wrongType = when(col(ReadResult.PROBLEM_COLUMN).isNull(),
                udf((UDF1<String, String>) line -> JsonLineCheck.nonStringValue(line, strings), DataTypes.StringType)
                        .apply(col(LineIndexedText.VALUE_COLUMN)));
        return lines.withColumn("_wrong_type", wrongType)
                .withColumn(ReadResult.PROBLEM_KIND_COLUMN, when(col("_wrong_type").isNotNull(),
                        lit(ErrorKind.INVALID_INPUT.code())).otherwise(col(ReadResult.PROBLEM_KIND_COLUMN)))
                .withColumn(ReadResult.PROBLEM_COLUMN, coalesce(col(ReadResult.PROBLEM_COLUMN), col("_wrong_type")))
                .drop("_wrong_type");
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
