package dev.plt.datasets.readers;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.plt.model.errors.ErrorKind;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What a read produced: the well-formed rows and, for JSONL and CSV, the malformed lines set aside with
 * where they came from and why. Everything is lazy.
 */
public final class ReadResult {
    /** The file a row came from. */
    public static final String FILE_COLUMN = "_source_file";
    /** The 1-based line number of a row in its file (null where unknown). */
    public static final String LINE_COLUMN = "_line_number";
    /**
     * Why a line was set aside before it was parsed (not valid Unicode, too long, nested too deep, a JSON
     * value of the wrong type), or null: for the other malformed lines, the text did not parse.
     */
    public static final String PROBLEM_COLUMN = "_problem";
    /**
     * The {@link dev.plt.model.errors.ErrorKind} code of a set-aside line: that of its problem, or
     * {@code malformed_line} for a line that did not parse.
     */
    public static final String PROBLEM_KIND_COLUMN = "_problem_kind";

    private final Dataset<Row> parsed;
    private final List<String> dataColumns;
    private final String corruptColumn;

    /**
     * @param parsed        data columns plus, when {@code corruptColumn} is not null, it and the file,
     *                      line, problem and problem kind columns
     * @param corruptColumn null for formats without malformed lines (Parquet, Arrow)
     */
    ReadResult(Dataset<Row> parsed, List<String> dataColumns, String corruptColumn) {
        this.parsed = parsed;
        this.dataColumns = List.copyOf(dataColumns);
        this.corruptColumn = corruptColumn;
    }

    public static ReadResult withoutMalformed(Dataset<Row> data) {
        return new ReadResult(data, List.of(data.columns()), null);
    }

    /** The well-formed rows, data columns only. */
    public Dataset<Row> rows() {
        Dataset<Row> good = corruptColumn == null ? parsed : parsed.filter(col(corruptColumn).isNull());
        return good.select(columns(dataColumns));
    }

    /** The well-formed rows with {@link #FILE_COLUMN} and {@link #LINE_COLUMN} (JSONL, CSV). */
    public Dataset<Row> rowsWithLines() {
        if (corruptColumn == null) {
            return rows();
        }
        List<String> names = new ArrayList<>(dataColumns);
        names.add(FILE_COLUMN);
        names.add(LINE_COLUMN);
        return parsed.filter(col(corruptColumn).isNull()).select(columns(names));
    }

    /** Every row as parsed, malformed ones included (their data columns may be partly filled). */
    public Dataset<Row> parsed() {
        return parsed;
    }

    /**
     * The malformed lines: {@link #FILE_COLUMN}, {@link #LINE_COLUMN}, the raw text in the corrupt column,
     * {@link #PROBLEM_COLUMN} and {@link #PROBLEM_KIND_COLUMN} (never null here).
     */
    public Dataset<Row> malformed() {
        if (corruptColumn == null) {
            StructType schema = new StructType()
                    .add(FILE_COLUMN, DataTypes.StringType)
                    .add(LINE_COLUMN, DataTypes.LongType)
                    .add(ReadOptions.DEFAULT_CORRUPT_COLUMN, DataTypes.StringType)
                    .add(PROBLEM_COLUMN, DataTypes.StringType)
                    .add(PROBLEM_KIND_COLUMN, DataTypes.StringType);
            return parsed.sparkSession().createDataFrame(List.<Row>of(), schema);
        }
        return parsed.filter(col(corruptColumn).isNotNull())
                .select(col(FILE_COLUMN), col(LINE_COLUMN), col(corruptColumn), col(PROBLEM_COLUMN),
                        coalesce(col(PROBLEM_KIND_COLUMN), lit(ErrorKind.MALFORMED_LINE.code())).as(PROBLEM_KIND_COLUMN));
    }

    public long malformedCount() {
        return corruptColumn == null ? 0 : malformed().count();
    }

    /** How many rows {@link #rows()} and {@link #malformed()} hold. */
    public record Counts(long wellFormed, long malformed) {
    }

    /**
     * {@code rows().count()} and {@link #malformedCount()} in one pass over the input instead of one each: a
     * job that needs both reads (and for JSONL parses) its input once less.
     */
    public Counts counts() {
        if (corruptColumn == null) {
            return new Counts(parsed.count(), 0);
        }
        Row both = parsed.agg(count(lit(1)), count(when(col(corruptColumn).isNotNull(), lit(1)))).first();
        long malformed = both.getLong(1);
        return new Counts(both.getLong(0) - malformed, malformed);
    }

    /** Up to {@code limit} malformed lines, in file and line order where line numbers are known. */
    public List<MalformedRecord> malformedRecords(int limit) {
        List<MalformedRecord> out = new ArrayList<>();
        if (corruptColumn == null) {
            return out;
        }
        for (Row r : malformed().orderBy(col(FILE_COLUMN), col(LINE_COLUMN)).limit(limit).collectAsList()) {
            out.add(new MalformedRecord(r.getString(0), r.isNullAt(1) ? null : r.getLong(1), r.getString(2),
                    r.getString(3), r.getString(4)));
        }
        return out;
    }

    /** The corrupt column of this input's data set, or null for formats without one. */
    public String corruptColumn() {
        return corruptColumn;
    }

    private static Column[] columns(List<String> names) {
        return names.stream().map(n -> col("`" + n.replace("`", "``") + "`")).toArray(Column[]::new);
    }
}
