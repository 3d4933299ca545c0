package dev.plt.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.jobs.SharedSpark;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs that cannot run stop before any work with exit code 2 and one line naming the problem, through
 * the real command line (in-process, as {@code bin/plt} runs it), and write no output.
 */
@ExtendWith(SharedSpark.class)
class BadJobsTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path input;

    @BeforeAll
    static void setUp() throws IOException {
        model = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.Spec.small());
        input = dir.resolve("in.jsonl");
        Files.writeString(input, "{\"id\": 1, \"text\": \"hello\"}\n{\"id\": 2, \"text\": \"world\"}\n");
    }

    /** Runs {@code plt args...} expecting exit 2 and one line holding every fragment; returns the line. */
    private static String fails(String... args) {
        StringWriter err = new StringWriter();
        int code = PltCli.execute(new PrintWriter(err, true), args);
        String message = err.toString().strip();
        assertEquals(PltCli.EXIT_BAD_SETUP, code, message);
        assertEquals(1, message.lines().count(), "one line: " + message);
        assertFalse(message.contains("Exception"), "no exception names or stack traces: " + message);
        return message;
    }

    private static String[] score(Path modelDir, Path output, String... extra) {
        List<String> args = new ArrayList<>(List.of("score", "--model", modelDir.toString(), "--input",
                input.toString(), "--output", output.toString(), "--master", "local[1]"));
        args.addAll(Arrays.asList(extra));
        return args.toArray(String[]::new);
    }

    private static void assertContains(String message, String... fragments) {
        for (String f : fragments) {
            assertTrue(message.contains(f), () -> "expected '" + f + "' in: " + message);
        }
    }

    @Test
    void aMissingOrMistypedInputColumnIsNamed() {
        Path output = dir.resolve("never-columns");
        assertContains(fails(score(model, output, "--text-col", "prompt")), "plt score:", "no column 'prompt'",
                "columns: id, text");
        assertContains(fails(score(model, output, "--text-col", "id")), "column 'id' must be a string");
        assertContains(fails(score(model, output, "--ids-col", "text")), "column 'text' must be array<int>");
        assertFalse(Files.exists(output), "nothing written");
    }

    @Test
    void anUnknownTaskIsNamedWithTheKnownOnes() {
        assertContains(fails("evaluate", "--model", model.toString(), "--task", "no_such_task", "--output",
                dir.resolve("never-task").toString()), "unknown task 'no_such_task'", "known tasks:", "mmlu");
    }

    @Test
    void unreadableModelsFailBeforeSparkStarts() throws IOException {
        Path truncated = RandomCheckpoint.write(dir.resolve("truncated"), RandomCheckpoint.Spec.small());
        Path weights = truncated.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, Arrays.copyOf(bytes, bytes.length - 100));
        assertContains(fails(score(truncated, dir.resolve("never-truncated"))), "model.safetensors", "truncated");
        assertContains(fails("evaluate", "--model", truncated.toString(), "--task", "multihop", "--output",
                dir.resolve("never-eval").toString()), "model.safetensors");

        Path pickle = RandomCheckpoint.write(dir.resolve("pickle"), RandomCheckpoint.Spec.small());
        Files.delete(pickle.resolve("model.safetensors"));
        Files.write(pickle.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
        assertContains(fails(score(pickle, dir.resolve("never-pickle"))), "pytorch_model.bin", "never opened");

        assertContains(fails(score(dir.resolve("nowhere"), dir.resolve("never-missing"))), "config.json");
    }

    @Test
    void nanWeightsFoundWhenAnExecutorLoadsTheModelStillGiveOneLine() {
        Path nan = RandomCheckpoint.write(dir.resolve("nan"), RandomCheckpoint.Spec.small());
        RandomCheckpoint.setValue(nan, "model.layers.0.self_attn.v_proj.weight", 3, Float.NaN);
        assertContains(fails(score(nan, dir.resolve("never-nan"))), "tensor 'model.layers.0.self_attn.v_proj.weight'",
                "holds NaN at element 3");
    }

    @Test
    void aBadTaskOptionIsNamedWithWhatItAccepts() {
        assertContains(fails("evaluate", "--model", model.toString(), "--task", "gsm8k", "--task-option",
                "num_fewshot=abc", "--output", dir.resolve("never-option").toString()),
                "option num_fewshot=abc: expected a whole number >= 0");
        assertFalse(Files.exists(dir.resolve("never-option")));
    }

    @Test
    void anExistingOutputNeedsOverwrite() throws IOException {
        Path existing = Files.createDirectories(dir.resolve("existing"));
        assertContains(fails(score(model, existing)), "--output", "already exists", "--overwrite");
        assertContains(fails("evaluate", "--model", model.toString(), "--task", "multihop", "--output",
                existing.toString()), "already exists");
    }

    @Test
    void badOptionValuesAreNamed() {
        assertContains(fails(score(model, dir.resolve("never-opt"), "--overlong", "cut")), "--overlong", "cut");
        assertContains(fails(score(model, dir.resolve("never-len"), "--max-length", "0")), "--max-length");
    }

    @Test
    void failOnMalformedStopsAtTheFirstMalformedLine() throws IOException {
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"id\": 1, \"text\": \"ok\"}\n{\"id\": 2, \"text\": \n");
        assertContains(fails("score", "--model", model.toString(), "--input", bad.toString(), "--output",
                dir.resolve("never-malformed").toString(), "--master", "local[1]", "--fail-on-malformed"),
                "bad.jsonl:2", "malformed input");
        assertFalse(Files.exists(dir.resolve("never-malformed")));
    }

    @Test
    void aDirectoryMixingFormatsIsRefusedNamingTheFilesOfEach() throws IOException {
        Path mixed = Files.createDirectories(dir.resolve("mixed"));
        Files.writeString(mixed.resolve("a.jsonl"), "{\"id\": 1, \"text\": \"a\"}\n");
        Files.writeString(mixed.resolve("b.csv"), "id,text\n2,b\n");
        Files.write(mixed.resolve("c.parquet"), new byte[] {'P', 'A', 'R', '1'});
        Path output = dir.resolve("never-mixed");
        assertContains(fails("score", "--model", model.toString(), "--input", mixed.toString(), "--output",
                output.toString(), "--master", "local[1]"), "--input " + mixed, "mixes files of several formats",
                "csv: b.csv", "jsonl: a.jsonl", "parquet: c.parquet");
        assertFalse(Files.exists(output), "nothing written");
    }
}
