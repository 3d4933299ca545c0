package dev.plt.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.jobs.SharedSpark;
import dev.plt.jobs.cli.PltCli;
import dev.plt.jobs.output.OutputRows;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs and outputs as a Spark user gives them: URIs, globs, partitioned datasets, any Spark source, and
 * output formats beyond Parquet and JSONL. Every variant's scores equal those of the plain JSONL run, row
 * by row (by row_id).
 */
@ExtendWith(SharedSpark.class)
class InputsAndOutputsTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path jsonl;
    static Map<String, Double> expected;

    @BeforeAll
    static void setUp() throws IOException {
        model = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.Spec.small());
        jsonl = Files.writeString(Files.createDirectories(dir.resolve("in")).resolve("rows.jsonl"), rows(0, 6));
        Files.writeString(dir.resolve("in/more.jsonl"), rows(6, 9));
        SparkSession spark = SharedSpark.session();
        var data = spark.read().json(dir.resolve("in").toString()).selectExpr("id", "text", "id % 2 as half");
        data.write().partitionBy("half").parquet(dir.resolve("partitioned").toString());
        data.drop("half").write().orc(dir.resolve("orc").toString());
        run(0, "--input", jsonl.toString(), "--output", dir.resolve("baseline").toString(), "--output-format", "jsonl");
        expected = scores(OutputRows.byRowId(dir.resolve("baseline")));
    }

    private static String rows(int from, int to) {
        StringBuilder out = new StringBuilder();
        for (int i = from; i < to; i++) {
            out.append("{\"id\": ").append(i).append(", \"text\": \"row number ").append(i).append("\"}\n");
        }
        return out.toString();
    }

    private static String run(int expectedCode, String... args) {
        List<String> all = new ArrayList<>(List.of("score", "--model", model.toString(), "--master", "local[1]"));
        all.addAll(Arrays.asList(args));
        StringWriter err = new StringWriter();
        int code = PltCli.execute(new PrintWriter(err, true), all.toArray(String[]::new));
        assertEquals(expectedCode, code, err.toString());
        return err.toString().strip();
    }

    /** text -> total_logprob: row ids depend on all input columns, the text alone identifies a row here. */
    private static Map<String, Double> scores(Map<String, com.fasterxml.jackson.databind.JsonNode> rows) {
        Map<String, Double> out = new TreeMap<>();
        rows.values().forEach(r -> out.put(r.get("text").asText(), r.get("total_logprob").asDouble()));
        return out;
    }

    @Test
    void aFileUriAndAGlobReadTheSameRows() throws IOException {
        Path byUri = dir.resolve("by-uri");
        run(0, "--input", jsonl.toUri().toString(), "--output", byUri.toUri().toString(), "--output-format", "jsonl");
        assertEquals(expected, scores(OutputRows.byRowId(byUri)));

        Path byGlob = dir.resolve("by-glob");
        run(0, "--input", dir.resolve("in").toString() + "/*.jsonl", "--output", byGlob.toString(),
                "--output-format", "jsonl");
        Map<String, Double> globbed = scores(OutputRows.byRowId(byGlob));
        assertEquals(9, globbed.size());
        expected.forEach((text, score) -> assertEquals(score, globbed.get(text), text));
    }

    @Test
    void aPartitionedDatasetKeepsItsPartitionColumnAndAnySparkSourceIsRead() throws IOException {
        Path partitioned = dir.resolve("from-partitioned");
        run(0, "--input", dir.resolve("partitioned").toString(), "--output", partitioned.toString(),
                "--output-format", "jsonl");
        var rows = OutputRows.byRowId(partitioned);
        assertEquals(9, rows.size());
        rows.values().forEach(r -> assertEquals(r.get("id").asInt() % 2, r.get("half").asInt(), r.toString()));
        Map<String, Double> all = scores(rows);

        Path fromOrc = dir.resolve("from-orc");
        run(0, "--input", dir.resolve("orc").toString(), "--input-format", "orc", "--output", fromOrc.toString(),
                "--output-format", "jsonl");
        assertEquals(all, scores(OutputRows.byRowId(fromOrc)));
        for (Map.Entry<String, Double> e : expected.entrySet()) {
            assertEquals(e.getValue(), all.get(e.getKey()), e.getKey());
        }
    }

    @Test
    void orcAndCsvOutputsHoldTheSameScoresAndOrcResumes() {
        Path orc = dir.resolve("out-orc");
        run(0, "--input", jsonl.toString(), "--output", orc.toString(), "--output-format", "orc");
        Path csv = dir.resolve("out-csv");
        run(0, "--input", jsonl.toString(), "--output", csv.toString(), "--output-format", "csv");
        SparkSession spark = SharedSpark.session();
        for (Row r : spark.read().orc(orc.toString()).collectAsList()) {
            assertEquals(expected.get(r.<String>getAs("text")), r.<Double>getAs("total_logprob"));
        }
        for (Row r : spark.read().option("header", "true").option("inferSchema", "true").csv(csv.toString())
                .collectAsList()) {
            assertEquals(expected.get(r.<String>getAs("text")), r.<Double>getAs("total_logprob"), 0.0);
        }
        String summary = run(0, "--input", jsonl.toString(), "--output", orc.toString(), "--output-format", "orc",
                "--resume");
        assertFalse(summary.contains("Exception"), summary);
    }

    @Test
    void badSourcesAndFormatsAreOneLineBeforeAnyWork() {
        Path never = dir.resolve("never");
        assertTrue(run(2, "--input", "s3a://bucket/in.jsonl", "--output", never.toString())
                .contains("no file system for the scheme 's3a'"));
        assertTrue(run(2, "--input", dir.resolve("nothing-*.jsonl").toString(), "--output", never.toString())
                .contains("no such file or directory"));
        assertTrue(run(2, "--input", jsonl.toString(), "--output", never.toString(), "--output-format", "csv",
                "--per-token").contains("--output-format csv cannot hold the column 'token_logprobs'"));
        assertTrue(run(2, "--input", jsonl.toString(), "--input-table", "t", "--output", never.toString())
                .contains("exactly one"));
        assertTrue(run(2, "--input-table", "no_such_table", "--output", never.toString())
                .contains("--input-table no_such_table: no such table in the catalog"));
        assertTrue(run(2, "--input", jsonl.toString(), "--output", never.toString(), "--output-table", "t")
                .contains("exactly one"));
        assertFalse(Files.exists(never));
    }
}
