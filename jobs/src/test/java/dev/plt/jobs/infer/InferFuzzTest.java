package dev.plt.jobs.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.model.inference.EngineOptions;
import dev.plt.model.errors.ErrorKind;
import dev.plt.model.inference.LengthLimit;
import dev.plt.model.inference.PltModel;
import dev.plt.model.testing.Mutations;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of the infer JSONL path, with a real model: random bytes and damaged valid lines never
 * stop the job; every non-blank line (blank: empty, or only spaces, tabs and CRs) gets exactly one output
 * line, a result or an error with a known error_kind, and the output stays valid UTF-8 JSON (lone
 * surrogates from the input included).
 */
class InferFuzzTest {
    private static final Duration PER_INPUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KINDS = Arrays.stream(ErrorKind.values()).map(ErrorKind::code)
            .collect(Collectors.toSet());
    private static final List<String> VALID = List.of(
            "{\"id\": 1, \"input_ids\": [5, 6, 7, 8], \"max_new_tokens\": 2}",
            "{\"id\": \"two\", \"text\": \"Hello, w\\u00f6rld \\ud83d\\ude00\"}",
            "{\"id\": [3], \"input_ids\": [0, 299], \"max_new_tokens\": 0}");

    @TempDir
    static Path dir;
    static PltModel model;

    @BeforeAll
    static void load() {
        model = PltModel.load(RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.Spec.small()),
                EngineOptions.defaults().withThreads(1));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void randomBytesNeverStopTheJob() {
        Mutations m = new Mutations(601);
        for (int i = 0; i < 150; i++) {
            infer(i, m.randomBytes(200));
        }
    }

    @Test
    void damagedLinesNeverStopTheJob() {
        Mutations m = new Mutations(602);
        int results = 0;
        for (int i = 0; i < 250; i++) {
            ByteArrayOutputStream file = new ByteArrayOutputStream();
            int lines = 1 + m.random().nextInt(4);
            for (int l = 0; l < lines; l++) {
                byte[] line = VALID.get(m.random().nextInt(VALID.size())).getBytes(StandardCharsets.UTF_8);
                file.writeBytes(m.random().nextInt(4) == 0 ? line : m.mutate(line));
                file.write('\n');
            }
            results += infer(1000 + i, file.toByteArray());
        }
        assertTrue(results > 50, results + " lines still ran: the damage must not make every line fail");
    }

    /** Runs the input; returns how many lines got a result (not an error). */
    private static int infer(int index, byte[] input) {
        return assertTimeoutPreemptively(PER_INPUT, () -> {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            // A strict encoder, as Files.newBufferedWriter uses: a lone surrogate written out would throw.
            try (Writer out = new OutputStreamWriter(bytes, StandardCharsets.UTF_8.newEncoder())) {
                InferJob.Summary summary = new InferJob(model, 3, new LengthLimit(64, LengthLimit.Overlong.ERROR),
                        InferJob.DEFAULT_MAX_LINE_BYTES)
                        .run(new ByteArrayInputStream(input), out);
                out.flush();
                String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n", -1);
                assertEquals(summary.rows() + 1, lines.length, "one output line per row, then the end");
                assertEquals(nonBlankLines(input), summary.rows(), "one row per non-blank input line");
                int results = 0;
                for (int l = 0; l < summary.rows(); l++) {
                    JsonNode row = JSON.readTree(lines[l]);
                    if (row.has("error")) {
                        assertTrue(KINDS.contains(row.get("error_kind").asText()), lines[l]);
                    } else {
                        assertEquals(row.get("input_ids").size(), row.get("token_logprobs").size(), lines[l]);
                        results++;
                    }
                }
                return results;
            }
        }, () -> "input " + index + ": " + new String(input, StandardCharsets.ISO_8859_1));
    }

    /** Lines as infer splits them: at \n, one that is empty or only spaces, tabs and CRs skipped, any other kept. */
    private static int nonBlankLines(byte[] input) {
        int count = 0;
        int start = 0;
        for (int i = 0; i <= input.length; i++) {
            if (i == input.length || input[i] == '\n') {
                if (i > start || i < input.length) {
                    boolean blank = true;
                    for (int b = start; b < i; b++) {
                        blank &= input[b] == ' ' || input[b] == '\t' || input[b] == '\r';
                    }
                    count += blank ? 0 : 1;
                }
                start = i + 1;
            }
        }
        return count;
    }
}
