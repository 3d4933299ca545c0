package dev.plt.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.model.inference.EngineOptions;
import dev.plt.model.inference.GenerationParams;
import dev.plt.model.inference.PltModel;
import dev.plt.model.inference.TokenScores;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/plt infer} end to end through the real command line, against direct engine results. */
class InferCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path model;
    static Path input;
    static final java.util.concurrent.atomic.AtomicInteger outputs = new java.util.concurrent.atomic.AtomicInteger();

    @BeforeAll
    static void setUp() throws IOException {
        model = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.Spec.small());
        input = dir.resolve("in.jsonl");
        Files.writeString(input, String.join("\n",
                "{\"id\": 1, \"input_ids\": [5, 6, 7, 8, 9]}",
                "{\"id\": \"two\", \"text\": \"Hello, world\", \"max_new_tokens\": 4}",
                "{\"id\": 3, \"input_ids\": [1, 2, 999]}",
                "this is not json",
                "",
                "{\"id\": 5, \"input_ids\": []}",
                "{\"id\": 6}",
                "{\"id\": 7, \"input_ids\": [200, 100, 50], \"max_new_tokens\": 2}") + "\n");
    }

    private record Run(int exitCode, List<JsonNode> lines, String stderr) {
    }

    private static Run infer(String... extra) throws IOException {
        Path output = dir.resolve("out-" + outputs.incrementAndGet() + ".jsonl");
        List<String> args = new ArrayList<>(List.of("infer", "--model", model.toString(), "--input", input.toString(),
                "--output", output.toString(), "--threads", "2"));
        args.addAll(List.of(extra));
        StringWriter err = new StringWriter();
        int code = PltCli.execute(new PrintWriter(err, true), args.toArray(String[]::new));
        List<JsonNode> lines = new ArrayList<>();
        if (Files.exists(output)) {
            for (String line : Files.readAllLines(output)) {
                lines.add(JSON.readTree(line));
            }
        }
        return new Run(code, lines, err.toString());
    }

    @Test
    void goodRowsMatchTheEngineAndBadRowsGetTheirOwnError() throws IOException {
        Run run = infer();
        assertEquals(PltCli.EXIT_ROW_ERRORS, run.exitCode(), "some rows failed, so exit 3");
        assertEquals(7, run.lines().size(), "one output line per non-blank input line");

        try (PltModel direct = PltModel.load(model, EngineOptions.defaults().withThreads(1))) {
            JsonNode first = run.lines().get(0);
            assertEquals(1, first.get("id").asInt());
            assertTrue(first.get("token_logprobs").get(0).isNull());
            TokenScores expected = direct.score(List.of(new int[] {5, 6, 7, 8, 9})).get(0);
            for (int i = 1; i < 5; i++) {
                assertEquals(expected.logprobs()[i], first.get("token_logprobs").get(i).asDouble(), 0.0,
                        "bitwise equal to the engine, position " + i);
            }
            assertEquals(0, first.get("output_ids").size());

            JsonNode second = run.lines().get(1);
            int[] ids = direct.tokenizer().encode("Hello, world");
            assertEquals(ids.length, second.get("input_ids").size());
            int[] generated = direct.generate(List.of(ids), GenerationParams.greedy(4)).get(0).tokens();
            assertArrayEquals(generated, ints(second.get("output_ids")));
            assertEquals(direct.tokenizer().decode(generated), second.get("output_text").asText());
            // Scored and generated from one prefill: the log-probs are still exactly what scoring alone gives.
            for (JsonNode row : List.of(second, run.lines().get(6))) {
                int[] tokens = ints(row.get("input_ids"));
                TokenScores alone = direct.score(List.of(tokens)).get(0);
                for (int i = 1; i < tokens.length; i++) {
                    assertEquals(alone.logprobs()[i], row.get("token_logprobs").get(i).asDouble(), 0.0,
                            "row " + row.get("id") + " position " + i);
                }
            }
        }

        assertTrue(run.lines().get(2).get("error").asText().contains("999"), run.lines().get(2).toString());
        assertEquals(3, run.lines().get(2).get("id").asInt());
        assertTrue(run.lines().get(3).get("error").asText().contains("malformed JSON"));
        assertTrue(run.lines().get(4).get("error").asText().contains("empty"));
        assertTrue(run.lines().get(5).get("error").asText().contains("input_ids"));
        assertFalse(run.lines().get(6).has("error"));
        assertEquals(2, run.lines().get(6).get("output_ids").size());
        assertTrue(run.stderr().isEmpty() || !run.stderr().contains("Exception"), run.stderr());
    }

    @Test
    void batchSizeAndReferencePathAgree() throws IOException {
        Run batched = infer("--batch-size", "8");
        Run single = infer("--batch-size", "1");
        assertEquals(batched.lines(), single.lines(), "results must not depend on the batch size");
        Run reference = infer("--path", "reference");
        for (int row : new int[] {0, 1, 6}) {
            JsonNode fast = batched.lines().get(row).get("token_logprobs");
            JsonNode ref = reference.lines().get(row).get("token_logprobs");
            for (int i = 1; i < fast.size(); i++) {
                assertEquals(ref.get(i).asDouble(), fast.get(i).asDouble(), 1e-4);
            }
            assertEquals(reference.lines().get(row).get("output_ids"), batched.lines().get(row).get("output_ids"));
        }
    }

    @Test
    void badModelsFailWithOneLineNamingTheProblem() throws IOException {
        Path missing = dir.resolve("nowhere");
        assertModelError(missing, "config.json");

        Path truncated = RandomCheckpoint.write(dir.resolve("truncated"), RandomCheckpoint.Spec.small());
        Path weights = truncated.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertModelError(truncated, "model.safetensors");

        Path wrongShape = RandomCheckpoint.write(dir.resolve("shape"), RandomCheckpoint.Spec.small());
        String config = Files.readString(wrongShape.resolve("config.json"));
        Files.writeString(wrongShape.resolve("config.json"),
                config.replace("\"intermediate_size\" : 64", "\"intermediate_size\" : 65"));
        assertModelError(wrongShape, "mlp.gate_proj.weight");

        Path unknownKey = RandomCheckpoint.write(dir.resolve("key"), RandomCheckpoint.Spec.small());
        config = Files.readString(unknownKey.resolve("config.json"));
        Files.writeString(unknownKey.resolve("config.json"),
                config.replace("{", "{\"rope_scaling\": {\"type\": \"yarn\", \"factor\": 4.0},"));
        assertModelError(unknownKey, "rope_scaling");
    }

    @Test
    void badOptionsAreNamed() {
        StringWriter err = new StringWriter();
        int code = PltCli.execute(new PrintWriter(err, true), "infer", "--model", model.toString(), "--input",
                input.toString(), "--output", dir.resolve("o.jsonl").toString(), "--path", "fastest");
        assertEquals(PltCli.EXIT_BAD_SETUP, code);
        assertTrue(err.toString().contains("fastest"), err.toString());
        err = new StringWriter();
        code = PltCli.execute(new PrintWriter(err, true), "infer", "--model", model.toString(), "--input",
                input.toString(), "--output", dir.resolve("o.jsonl").toString(), "--batch-size", "many");
        assertEquals(2, code);
        assertTrue(err.toString().contains("--batch-size"), err.toString());
    }

    private static void assertModelError(Path modelDir, String expectedInMessage) {
        StringWriter err = new StringWriter();
        int code = PltCli.execute(new PrintWriter(err, true), "infer", "--model", modelDir.toString(), "--input",
                input.toString(), "--output", dir.resolve("never.jsonl").toString());
        assertEquals(PltCli.EXIT_BAD_SETUP, code, err.toString());
        String message = err.toString().strip();
        assertTrue(message.contains(expectedInMessage), message);
        assertEquals(1, message.lines().count(), "one line: " + message);
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
