package dev.plt.jobs.output;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.to_json;

import java.util.Arrays;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Deterministic row ids: {@code row_id} = the first 128 bits (hex) of SHA-256 over the run settings'
 * hash (model fingerprint and every setting that changes results, see {@link RunManifest}), the
 * row's content (all input columns as JSON) and the row's occurrence number among rows with that
 * same content. The occurrence number keeps duplicate rows distinct; it stands for the row's position
 * in the input, but unlike a position it does not move when Spark splits the input files differently
 * (split sizes follow the number of cores, and splits are read largest first), so a resume on another
 * cluster finds the same ids. Which of several identical rows gets which number does not matter:
 * their outputs are identical too.
 */
public final class RowIds {
    public static final String COLUMN = "row_id";
    private static final String CONTENT_KEY = "_plt_content_key";
    private static final String OCCURRENCE = "_plt_occurrence";

    private RowIds() {
    }

    /** {@code rows} with a {@code row_id} column added last (a shuffle by content groups duplicates). */
    public static Dataset<Row> add(Dataset<Row> rows, String settingsHash) {
        if (Arrays.asList(rows.columns()).contains(COLUMN)) {
            throw new IllegalArgumentException("the input already has a column named '" + COLUMN
                    + "' (the jobs add it to every output row): rename or drop it");
        }
        Column[] all = Arrays.stream(rows.columns()).map(c -> col("`" + c.replace("`", "``") + "`"))
                .toArray(Column[]::new);
        // Timestamps as JSON follow the session time zone: pin it, or ids would move with it.
        Column content = to_json(struct(all), Map.of("timeZone", "UTC"));
        Column key = col(CONTENT_KEY);
        return rows.withColumn(CONTENT_KEY, sha2(content, 256))
                .withColumn(OCCURRENCE, row_number().over(Window.partitionBy(key).orderBy(key)))
                .withColumn(COLUMN, substring(sha2(concat_ws("\n", lit(settingsHash), key,
                        col(OCCURRENCE).cast("string")), 256), 1, 32))
                .drop(CONTENT_KEY, OCCURRENCE);
    }

    /** The id of a malformed input line's error row: settings, file and line (it has no content to hash). */
    public static Column ofMalformedLine(String settingsHash, Column file, Column line) {
        return substring(sha2(concat_ws("\n", lit(settingsHash), lit("malformed line"), file,
                line.cast("string")), 256), 1, 32);
    }
}
