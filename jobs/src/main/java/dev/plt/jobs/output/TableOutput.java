package dev.plt.jobs.output;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's output as a catalog table ({@code --output-table db.t}), under the same rule as a directory:
 * {@code --output-mode error} (the default) refuses a table that exists; {@code overwrite} and
 * {@code append} act only on a table plt wrote (its table property {@value #WRITTEN_BY} says so), and
 * {@code append} only with the same settings (model, job, params) as the rows already there. An overwrite
 * is written to a staging table first and swapped in (the old table dropped, the new one renamed) only
 * when the job has finished, so a failed job leaves the old table as it was.
 */
public final class TableOutput {
    private static final Logger LOG = LoggerFactory.getLogger(TableOutput.class);
    static final String WRITTEN_BY = "plt.written_by";
    static final String SETTINGS_HASH = "plt.settings_hash";
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*){0,2}");

    public enum Mode { ERROR, OVERWRITE, APPEND }

    private final String table;
    private final Mode mode;
    private final List<String> partitionBy;
    private final String format;
    private final Map<String, String> options;

    public TableOutput(String table, String mode, List<String> partitionBy, String format, Map<String, String> options) {
        if (!NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("--output-table '" + table + "' is not a table name (table, db.table "
                    + "or catalog.db.table, letters, digits and '_')");
        }
        this.table = table;
        this.mode = parseMode(mode);
        this.partitionBy = partitionBy;
        this.format = format;
        this.options = options;
    }

    static Mode parseMode(String mode) {
        try {
            return Mode.valueOf(mode.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--output-mode must be error, overwrite or append, got '" + mode + "'");
        }
    }

    public String name() {
        return table;
    }

    /** Refuses, before any work, what the mode may not touch. */
    public void check(SparkSession spark, String settingsHash) {
        if (!spark.catalog().tableExists(table)) {
            return;
        }
        if (mode == Mode.ERROR) {
            throw new IllegalArgumentException("--output-table " + table + " already exists (--output-mode overwrite "
                    + "replaces it, append adds to it, if plt wrote it)");
        }
        Map<String, String> properties = properties(spark);
        if (!"plt".equals(properties.get(WRITTEN_BY))) {
            throw new IllegalArgumentException("--output-table " + table + ": refused, plt did not write it (no table "
                    + "property " + WRITTEN_BY + "); --output-mode " + mode.name().toLowerCase(Locale.ROOT)
                    + " acts only on tables plt wrote");
        }
        if (mode == Mode.APPEND && !settingsHash.equals(properties.get(SETTINGS_HASH))) {
            throw new IllegalArgumentException("--output-table " + table + ": its rows were computed with other "
                    + "settings (model, job or params); append only with the same settings, or overwrite");
        }
        if (mode == Mode.APPEND && !partitionBy.isEmpty() && !partitionBy.equals(partitionColumns(spark))) {
            throw new IllegalArgumentException("--output-table " + table + " is partitioned by "
                    + partitionColumns(spark) + ", not by " + partitionBy + "; append with its own partitioning");
        }
    }

    /** The partition columns of the existing table, in order. */
    private List<String> partitionColumns(SparkSession spark) {
        List<String> columns = new java.util.ArrayList<>();
        try {
            for (org.apache.spark.sql.catalog.Column c : spark.catalog().listColumns(table).collectAsList()) {
                if (c.isPartition()) {
                    columns.add(c.name());
                }
            }
        } catch (org.apache.spark.sql.AnalysisException e) {
            throw new IllegalArgumentException("--output-table " + table + ": cannot read its columns: "
                    + e.getSimpleMessage(), e);
        }
        return columns;
    }

    /** Writes the rows and marks the table as plt's. */
    public void write(SparkSession spark, Dataset<Row> rows, String settingsHash) {
        createDatabaseIfMissing(spark);
        boolean exists = spark.catalog().tableExists(table);
        if (mode == Mode.APPEND && exists) {
            writer(rows, partitionColumns(spark)).mode(SaveMode.Append).saveAsTable(table);
            return;
        }
        if (!exists) {
            writer(rows).mode(SaveMode.ErrorIfExists).saveAsTable(table);
            mark(spark, table, settingsHash);
            return;
        }
        String staging = table + "__plt_staging";
        if (spark.catalog().tableExists(staging)) {
            if (!"plt".equals(properties(spark, staging).get(WRITTEN_BY))) {
                throw new IllegalArgumentException("--output-table " + table + ": " + staging + " exists and plt did "
                        + "not write it; refusing to replace it");
            }
            spark.sql("DROP TABLE " + staging);
        }
        writer(rows).mode(SaveMode.ErrorIfExists).saveAsTable(staging);
        mark(spark, staging, settingsHash);
        check(spark, settingsHash); // again: the table must still be plt's before it is dropped
        spark.sql("DROP TABLE " + table);
        spark.sql("ALTER TABLE " + staging + " RENAME TO " + table);
        LOG.info("--output-table {}: replaced", table);
    }

    private DataFrameWriter<Row> writer(Dataset<Row> rows) {
        return writer(rows, partitionBy);
    }

    private DataFrameWriter<Row> writer(Dataset<Row> rows, List<String> partitions) {
        DataFrameWriter<Row> writer = rows.write().format(format).options(options);
        if (!partitions.isEmpty()) {
            writer = writer.partitionBy(partitions.toArray(String[]::new));
        }
        return writer;
    }

    private void createDatabaseIfMissing(SparkSession spark) {
        int dot = table.lastIndexOf('.');
        if (dot > 0 && table.indexOf('.') == dot && !spark.catalog().databaseExists(table.substring(0, dot))) {
            spark.sql("CREATE DATABASE IF NOT EXISTS " + table.substring(0, dot));
        }
    }

    private static void mark(SparkSession spark, String name, String settingsHash) {
        spark.sql("ALTER TABLE " + name + " SET TBLPROPERTIES ('" + WRITTEN_BY + "' = 'plt', '" + SETTINGS_HASH
                + "' = '" + settingsHash + "')");
    }

    private Map<String, String> properties(SparkSession spark) {
        return properties(spark, table);
    }

    private static Map<String, String> properties(SparkSession spark, String name) {
        Map<String, String> out = new java.util.HashMap<>();
        for (Row row : spark.sql("SHOW TBLPROPERTIES " + name).collectAsList()) {
            out.put(row.getString(0), row.getString(1));
        }
        return out;
    }
}
