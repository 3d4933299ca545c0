package dev.plt.jobs.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/** Reads a score/generate output directory back, as a reader of the directory would see it. */
public final class OutputRows {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OutputRows() {
    }

    /**
     * Every committed row by its row_id, without latency_ms (wall time, the one column that differs
     * between runs); fails on a duplicate row id.
     */
    public static Map<String, JsonNode> byRowId(Path dir) throws IOException {
        Map<String, JsonNode> rows = new TreeMap<>();
        for (JsonNode row : all(dir)) {
            ObjectNode copy = ((ObjectNode) row).deepCopy();
            copy.remove("latency_ms");
            JsonNode previous = rows.put(row.get(RowIds.COLUMN).asText(), copy);
            assertNull(previous, "row id " + row.get(RowIds.COLUMN) + " appears twice in " + dir);
        }
        return rows;
    }

    /** Every committed row: JSONL part files directly, Parquet through a short-lived local Spark. */
    public static List<JsonNode> all(Path dir) throws IOException {
        List<Path> parts;
        try (Stream<Path> files = Files.list(dir)) {
            parts = files.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
        }
        List<String> lines = new ArrayList<>();
        if (!parts.isEmpty() && parts.get(0).toString().endsWith(".parquet")) {
            SparkSession spark = dev.plt.jobs.SharedSpark.session();
            lines.addAll(spark.read().parquet(dir.toString()).toJSON().collectAsList());
        } else {
            for (Path part : parts) {
                lines.addAll(Files.readAllLines(part));
            }
        }
        List<JsonNode> rows = new ArrayList<>();
        for (String line : lines) {
            rows.add(JSON.readTree(line));
        }
        return rows;
    }

    /** Asserts that two outputs hold the same rows: same ids, none lost or duplicated, equal values. */
    public static void assertSameRows(Path expected, Path actual) throws IOException {
        assertSameRows(byRowId(expected), actual);
    }

    /** As above, against rows already read with {@link #byRowId}. */
    public static void assertSameRows(Map<String, JsonNode> expected, Path actual) throws IOException {
        Map<String, JsonNode> got = byRowId(actual);
        assertEquals(expected.keySet(), got.keySet(), "row ids of " + actual);
        for (Map.Entry<String, JsonNode> row : expected.entrySet()) {
            assertEquals(row.getValue(), got.get(row.getKey()), "row " + row.getKey() + " of " + actual);
        }
    }
}
