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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every numeric option out of its range (and every engine option out of its values) stops the job before any work, with one line naming the option,
 * its range and the value; nothing is written.
 */
@ExtendWith(SharedSpark.class)
class NumericOptionsTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path input;

    @BeforeAll
    static void setUp() throws IOException {
        model = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.Spec.small());
        input = Files.writeString(dir.resolve("in.jsonl"), "{\"id\": 1, \"text\": \"hello\"}\n");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "score    | --batch-size 0         | --batch-size must be at least 1, got 0",
        "score    | --max-batch-tokens 0   | --max-batch-tokens must be at least 1, got 0",
        "score    | --partitions 0         | --partitions must be at least 1, got 0",
        "score    | --partitions -3        | --partitions must be at least 1, got -3",
        "score    | --threads 0            | --threads must be at least 1, got 0",
        "score    | --prefill-chunk 0      | --prefill-chunk must be at least 1, got 0",
        "generate | --max-new-tokens -1    | --max-new-tokens must be at least 0, got -1",
        "generate | --temperature -0.5     | --temperature must be between 0.0 and 100.0, got -0.5",
        "generate | --temperature NaN      | --temperature must be between 0.0 and 100.0, got NaN",
        "generate | --top-k -2             | --top-k must be at least 0, got -2",
        "generate | --top-p 0              | --top-p must be greater than 0.0 and at most 1.0, got 0.0",
        "generate | --top-p 1.5            | --top-p must be greater than 0.0 and at most 1.0, got 1.5",
        "evaluate | --limit -1             | --limit must be a whole number >= 1 or a fraction between 0 and 1, got -1",
        "evaluate | --limit 0              | --limit must be a whole number >= 1 or a fraction between 0 and 1, got 0",
        "evaluate | --limit 2.5            | --limit must be a whole number >= 1 or a fraction between 0 and 1, got 2.5",
        "evaluate | --batch-size 0         | --batch-size must be at least 1, got 0",
        "evaluate | --threads 0            | --threads must be at least 1, got 0",
        "infer    | --prefill-chunk 0      | --prefill-chunk must be at least 1, got 0",
        "score    | --backend warp         | --backend must be one of auto",
        "evaluate | --path fastest         | --path must be fast or reference, got 'fastest'",
        "score    | --weights int4         | --weights: unknown weight format 'int4' (use stored, f32, bf16 or int8)",
        "infer    | --weights q8           | --weights: unknown weight format 'q8' (use stored, f32, bf16 or int8)",
        "score    | --weights int8 --backend cuda | --weights int8 runs on the CPU backends only, not --backend cuda",
    })
    void anOutOfRangeValueIsNamedBeforeAnyWork(String job, String option, String message) {
        Path output = dir.resolve("never-" + job + option.replace(' ', '_'));
        List<String> args = new ArrayList<>(List.of(job, "--model", model.toString(), "--output", output.toString()));
        if (job.equals("evaluate")) {
            args.addAll(List.of("--task", "multihop", "--master", "local[1]"));
        } else {
            args.addAll(List.of("--input", input.toString()));
            if (!job.equals("infer")) {
                args.addAll(List.of("--master", "local[1]"));
            }
        }
        args.addAll(Arrays.asList(option.split(" ")));
        StringWriter err = new StringWriter();
        int code = PltCli.execute(new PrintWriter(err, true), args.toArray(String[]::new));
        String line = err.toString().strip();
        assertEquals(PltCli.EXIT_BAD_SETUP, code, line);
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.contains(message), () -> "expected '" + message + "' in: " + line);
        assertFalse(Files.exists(output), "nothing written");
    }
}
