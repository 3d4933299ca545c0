package dev.plt.jobs.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job's output as a catalog table, on a real local session and catalog: a table plt did not write is
 * never replaced or appended to, an existing table needs a mode, append needs the same settings, and an
 * overwrite swaps in a complete new table.
 */
class TableOutputTest {
    @TempDir
    static Path warehouse;
    static SparkSession spark;

    @BeforeAll
    static void start() {
        dev.plt.jobs.SharedSpark.stop(); // its own session: the catalog's warehouse is fixed when Spark starts
        spark = SparkSession.builder().master("local[1]").appName("table-output")
                .config("spark.ui.enabled", "false").config("spark.sql.warehouse.dir", warehouse.toString())
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Dataset<Row> rows(int from, int to) {
        return spark.range(from, to).selectExpr("cast(id as string) as row_id", "id * 2 as value", "id % 2 as part");
    }

    private static TableOutput table(String name, String mode) {
        return new TableOutput(name, mode, List.of(), "parquet", Map.of());
    }

    @Test
    void aTablePltDidNotWriteIsNeverReplacedOrAppendedTo() {
        spark.sql("CREATE TABLE users_table (a INT) USING parquet");
        spark.sql("INSERT INTO users_table VALUES (1), (2)");
        for (String mode : List.of("overwrite", "append")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> table("users_table", mode).check(spark, "h1"));
            assertTrue(e.getMessage().contains("plt did not write it"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> table("users_table", "error").check(spark, "h1"));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertEquals(2, spark.table("users_table").count(), "untouched");
    }

    @Test
    void pltsOwnTableIsAppendedWithTheSameSettingsAndReplacedWhole() {
        TableOutput first = new TableOutput("plt_db.scores", "error", List.of("part"), "parquet", Map.of());
        first.check(spark, "h1");
        first.write(spark, rows(0, 10), "h1");
        assertEquals(10, spark.table("plt_db.scores").count());
        assertEquals(List.of("part"), List.of(spark.table("plt_db.scores").columns()).subList(2, 3));

        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> table("plt_db.scores", "append").check(spark, "h2"));
        assertTrue(other.getMessage().contains("other settings"), other.getMessage());
        table("plt_db.scores", "append").check(spark, "h1");
        table("plt_db.scores", "append").write(spark, rows(10, 15), "h1");
        assertEquals(15, spark.table("plt_db.scores").count());

        table("plt_db.scores", "overwrite").check(spark, "h3");
        table("plt_db.scores", "overwrite").write(spark, rows(100, 103), "h3");
        assertEquals(3, spark.table("plt_db.scores").count(), "replaced, not appended");
        assertTrue(!spark.catalog().tableExists("plt_db.scores__plt_staging"), "no staging table left");
    }

    @Test
    void aBadNameOrModeIsOneLine() {
        assertThrows(IllegalArgumentException.class, () -> table("db.t; DROP TABLE x", "error"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> table("t", "replace"));
        assertTrue(e.getMessage().contains("--output-mode must be error, overwrite or append"), e.getMessage());
    }
}
