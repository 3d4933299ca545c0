package dev.plt.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.jobs.SharedSpark;
import dev.plt.jobs.cli.PltCli;
import dev.plt.model.inference.EngineOptions;
import dev.plt.model.inference.GenerationParams;
import dev.plt.model.inference.PltModel;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code plt score} and {@code plt generate} on local[2] from JSONL and CSV, against the engine. */
@ExtendWith(SharedSpark.class)
class ScoreAndGenerateJobsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TEXTS = List.of("To be, or not to be", "a", "Hello, world!",
            "the quick brown fox jumps over the lazy dog", "xyz");

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void setUp() throws IOException {
        model = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.Spec.small());
        StringBuilder jsonl = new StringBuilder();
        StringBuilder csv = new StringBuilder("id,text\n");
        for (int i = 0; i < TEXTS.size(); i++) {
            jsonl.append(JSON.writeValueAsString(java.util.Map.of("id", i, "text", TEXTS.get(i)))).append('\n');
            csv.append(i).append(",\"").append(TEXTS.get(i)).append("\"\n");
        }
        jsonl.append("{\"id\": 99, \"text\": null}\n");
        Files.writeString(dir.resolve("in.jsonl"), jsonl);
        Files.writeString(dir.resolve("in.csv"), csv);
    }

    private static List<JsonNode> run(String... args) throws IOException {
        StringWriter err = new StringWriter();
        int code = PltCli.execute(new PrintWriter(err, true), args);
        assertEquals(0, code, err.toString());
        Path out = Path.of(args[java.util.Arrays.asList(args).indexOf("--output") + 1]);
        List<JsonNode> rows = new ArrayList<>();
        try (Stream<Path> files = Files.list(out)) {
            for (Path part : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
                for (String line : Files.readAllLines(part)) {
                    rows.add(JSON.readTree(line));
                }
            }
        }
        rows.sort(Comparator.comparingInt(r -> r.get("id").asInt()));
        return rows;
    }

    @Test
    void scoreFromJsonlAndCsvEqualsTheEngine() throws IOException {
        List<JsonNode> fromJsonl = run("score", "--model", model.toString(), "--input", dir.resolve("in.jsonl").toString(),
                "--output", dir.resolve("score-jsonl").toString(), "--output-format", "jsonl", "--master", "local[2]",
                "--partitions", "3", "--batch-size", "2");
        List<JsonNode> fromCsv = run("score", "--model", model.toString(), "--input", dir.resolve("in.csv").toString(),
                "--output", dir.resolve("score-csv").toString(), "--output-format", "jsonl", "--master", "local[2]");
        try (PltModel direct = PltModel.load(model, EngineOptions.defaults().withThreads(1))) {
            for (int i = 0; i < TEXTS.size(); i++) {
                double expected = direct.score(List.of(direct.tokenizer().encode(TEXTS.get(i)))).get(0).total();
                assertEquals(expected, fromJsonl.get(i).get("total_logprob").asDouble(), 0.0, "jsonl row " + i);
                assertEquals(expected, fromCsv.get(i).get("total_logprob").asDouble(), 0.0, "csv row " + i);
                assertEquals("model", fromJsonl.get(i).get("model_id").asText());
                assertTrue(fromJsonl.get(i).get("latency_ms").asDouble() >= 0);
            }
        }
        JsonNode bad = fromJsonl.get(TEXTS.size());
        assertEquals(99, bad.get("id").asInt());
        assertTrue(bad.get("error").asText().contains("null"), bad.toString());
        assertNull(bad.get("total_logprob"));
    }

    @Test
    void generateEqualsTheEngineAndRefusesAnExistingOutput() throws IOException {
        Path output = dir.resolve("generated");
        List<JsonNode> rows = run("generate", "--model", model.toString(), "--input", dir.resolve("in.jsonl").toString(),
                "--output", output.toString(), "--output-format", "jsonl", "--master", "local[2]", "--max-new-tokens", "4");
        try (PltModel direct = PltModel.load(model, EngineOptions.defaults().withThreads(1))) {
            for (int i = 0; i < TEXTS.size(); i++) {
                int[] expected = direct.generate(List.of(direct.tokenizer().encode(TEXTS.get(i))),
                        GenerationParams.greedy(4)).get(0).tokens();
                JsonNode ids = rows.get(i).get("generated_ids");
                assertEquals(expected.length, ids.size());
                for (int t = 0; t < expected.length; t++) {
                    assertEquals(expected[t], ids.get(t).asInt());
                }
                assertEquals(4, rows.get(i).get("completion_tokens").asInt());
            }
        }
        StringWriter err = new StringWriter();
        int code = PltCli.execute(new PrintWriter(err, true), "generate", "--model", model.toString(), "--input",
                dir.resolve("in.jsonl").toString(), "--output", output.toString());
        assertEquals(PltCli.EXIT_BAD_SETUP, code);
        assertTrue(err.toString().contains("already exists"), err.toString());
    }
}
