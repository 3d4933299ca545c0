package dev.plt.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.jobs.SharedSpark;
import dev.plt.jobs.cli.PltCli;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plt score}, {@code generate} and {@code evaluate} over data nobody checked: every input line
 * gets an output row, each bad one with its error and error_kind, the summary counts errors by kind,
 * and --fail-on-error exits 3 once the output is written.
 */
@ExtendWith(SharedSpark.class)
class BadRowsJobsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LONG = "abcdefghijklmnopqrst"; // 20 byte-level tokens

    @TempDir
    static Path dir;
    static Path model;
    static Path input;

    @BeforeAll
    static void setUp() throws IOException {
        model = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.Spec.small());
        // Token 7 (byte 0x07) overflows when it follows itself: that row's logits become NaN.
        RandomCheckpoint.setValue(model, "model.embed_tokens.weight", 7 * 32, Float.MAX_VALUE);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String line : List.of(
                "{\"id\": 1, \"text\": \"hello\"}",
                "{\"id\": 2, \"text\": null}",
                "{\"id\": 3, \"text\": \"\"}",
                "{\"id\": 4, \"text\": \"" + LONG + "\"}",
                "{\"id\": 5, \"text\": \"x\\ud800y\"}",
                "LATIN-1",
                "{\"id\": 7, \"text\": \"a\\u0007\\u0007b\"}",
                "{\"id\": 8, \"text\": ",
                "{\"id\": 9, \"text\": \"fine\"}")) {
            bytes.write(line.equals("LATIN-1") ? "{\"id\": 6, \"text\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1)
                    : line.getBytes(StandardCharsets.UTF_8));
            bytes.write('\n');
        }
        input = dir.resolve("unchecked.jsonl");
        Files.write(input, bytes.toByteArray());
    }

    private record Run(int exitCode, String stdout, String stderr, List<JsonNode> rows) {
        /** Rows by id; malformed lines have no id and are keyed by line number, negated. */
        Map<Integer, JsonNode> byKey() {
            Map<Integer, JsonNode> out = new HashMap<>();
            for (JsonNode r : rows) {
                if (r.has("id")) {
                    out.put(r.get("id").asInt(), r);
                } else {
                    String error = r.get("error").asText();
                    int line = Integer.parseInt(error.replaceAll(".*unchecked\\.jsonl:(\\d+):.*", "$1"));
                    out.put(-line, r);
                }
            }
            return out;
        }
    }

    /** Runs the command line in-process, capturing stdout (the summary) and the output rows. */
    private static synchronized Run run(String... args) throws IOException {
        StringWriter err = new StringWriter();
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            code = PltCli.execute(new PrintWriter(err, true), args);
        } finally {
            System.setOut(stdout);
        }
        Path out = Path.of(args[Arrays.asList(args).indexOf("--output") + 1]);
        List<JsonNode> rows = new ArrayList<>();
        if (Files.isDirectory(out)) {
            try (Stream<Path> files = Files.list(out)) {
                for (Path part : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
                    for (String line : Files.readAllLines(part)) {
                        rows.add(JSON.readTree(line));
                    }
                }
            }
        }
        return new Run(code, captured.toString(StandardCharsets.UTF_8), err.toString(), rows);
    }

    private static String kind(JsonNode row) {
        return row.has("error_kind") ? row.get("error_kind").asText() : null;
    }

    @Test
    void scoreWritesEveryLineWithItsErrorKindAndFailOnErrorExits3() throws IOException {
        Run run = run("score", "--model", model.toString(), "--input", input.toString(), "--output",
                dir.resolve("scored").toString(), "--output-format", "jsonl", "--master", "local[2]",
                "--max-length", "16", "--fail-on-error");
        assertEquals(PltCli.EXIT_ROW_ERRORS, run.exitCode(), run.stderr());
        assertEquals(9, run.rows().size(), "one output row per input line");
        Map<Integer, JsonNode> rows = run.byKey();
        assertNull(kind(rows.get(1)));
        assertTrue(rows.get(1).get("total_logprob").isNumber());
        assertEquals("null_input", kind(rows.get(2)));
        assertEquals("empty_input", kind(rows.get(3)));
        assertEquals("too_long", kind(rows.get(4)));
        assertEquals("invalid_utf8", kind(rows.get(-5)));
        assertTrue(rows.get(-5).get("error").asText().contains("lone surrogate U+D800"), rows.get(-5).toString());
        assertEquals("invalid_utf8", kind(rows.get(-6)));
        assertTrue(rows.get(-6).get("error").asText().contains("not valid UTF-8"), rows.get(-6).toString());
        assertEquals("non_finite", kind(rows.get(7)));
        assertEquals("malformed_line", kind(rows.get(-8)));
        assertNull(kind(rows.get(9)));
        assertTrue(run.stdout().contains("plt score: 9 rows (7 errors: 1 empty_input, 2 invalid_utf8, "
                + "1 malformed_line, 1 non_finite, 1 null_input, 1 too_long)"), run.stdout());
    }

    /**
     * Lines that used to hang the job (nested 900 deep), fail without a reason (a valid 17 MiB line, past
     * the 16 MiB limit), or be scored as text they are not (a number or an array in the text column) are
     * error rows naming file:line; the other lines go on. The time bound is the harness's.
     */
    @Test
    void deepLongAndMistypedLinesAreErrorRowsAndTheJobGoesOn() throws IOException {
        Path lines = dir.resolve("hostile.jsonl");
        Files.writeString(lines, String.join("\n",
                "{\"id\": 1, \"text\": \"hello\"}",
                "{\"id\": 2, \"text\": \"deep\", \"x\": " + "[".repeat(900) + "]".repeat(900) + "}",
                "{\"id\": 3, \"text\": 5}",
                "{\"id\": 4, \"text\": [\"a\", \"b\"]}",
                "{\"id\": 5, \"text\": \"" + "a".repeat(17 << 20) + "\"}",
                "{\"id\": 6, \"text\": \"fine\"}") + "\n");
        Run run = assertTimeoutPreemptively(Duration.ofMinutes(5), () -> run("score", "--model", model.toString(),
                "--input", lines.toString(), "--output", dir.resolve("hostile").toString(), "--output-format", "jsonl",
                "--master", "local[2]"));
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(6, run.rows().size(), "one output row per input line");
        Map<Integer, String> errors = new HashMap<>();
        for (JsonNode row : run.rows()) {
            if (row.has("id")) {
                assertNull(kind(row), row.toString());
            } else {
                String error = row.get("error").asText();
                errors.put(Integer.parseInt(error.replaceAll(".*hostile\\.jsonl:(\\d+):.*", "$1")), kind(row) + " " + error);
            }
        }
        assertEquals(List.of(2, 3, 4, 5), errors.keySet().stream().sorted().toList(), errors.toString());
        assertTrue(errors.get(2).startsWith("malformed_line ") && errors.get(2).contains("JSON nested deeper than 64"),
                errors.get(2));
        assertTrue(errors.get(3).startsWith("invalid_input ")
                && errors.get(3).contains("column 'text' holds a JSON number where a string is expected"), errors.get(3));
        assertTrue(errors.get(4).startsWith("invalid_input ") && errors.get(4).contains("a JSON array"), errors.get(4));
        assertTrue(errors.get(5).startsWith("too_long ") && errors.get(5).contains("over the limit of 16,777,216 bytes"),
                errors.get(5));
        assertTrue(run.stdout().contains("plt score: 6 rows (4 errors: 2 invalid_input, 1 malformed_line, "
                + "1 too_long)"), run.stdout());
    }

    @Test
    void csvQuotedNewlinesStayInTheirRecordAndLineNumbersStayRight() throws IOException {
        Path csv = dir.resolve("quoted.csv");
        Files.writeString(csv, "id,text\n1,\"two\nlines\"\n2,ok\n3,x,extra\n");
        Run run = run("score", "--model", model.toString(), "--input", csv.toString(), "--output",
                dir.resolve("quoted").toString(), "--output-format", "jsonl", "--master", "local[2]");
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(3, run.rows().size(), "three records");
        Map<String, JsonNode> byId = new HashMap<>();
        run.rows().forEach(r -> byId.put(r.has("id") ? r.get("id").asText() : "bad", r));
        assertEquals("two\nlines", byId.get("1").get("text").asText());
        assertEquals(9, byId.get("1").get("prompt_tokens").asInt(), "the whole field is scored, newline included");
        assertEquals("malformed_line", kind(byId.get("bad")));
        assertTrue(byId.get("bad").get("error").asText().contains("quoted.csv:5: "), byId.get("bad").toString());
    }

    /**
     * NUL bytes and other control characters (a lone CR, VT, FF, ESC, DEL, C1, U+2028, a BOM) in damaged
     * JSONL and CSV: lines in == rows out, each line's row under its own number.
     */
    @Test
    void controlCharactersGiveOneRowPerLine() throws IOException {
        java.util.Random random = new java.util.Random(23);
        String[] controls = {"\u0000", "\r", "\u000b", "\u000c", "\u001b", "\u007f", "\u0085", "\u2028", "\ufeff",
            "\u0001", "\t"};
        StringBuilder jsonl = new StringBuilder();
        StringBuilder csv = new StringBuilder("id,text\n");
        int lines = 60;
        for (int i = 1; i <= lines; i++) {
            StringBuilder json = new StringBuilder("{\"id\": " + i + ", \"text\": \"line " + i + "\"}");
            StringBuilder row = new StringBuilder(i + ",line " + i);
            for (int d = random.nextInt(3); d >= 0; d--) {
                String c = controls[random.nextInt(controls.length)];
                json.insert(random.nextInt(json.length() + 1), c);
                row.insert(random.nextInt(row.length() + 1), c);
            }
            jsonl.append(json).append('\n');
            csv.append(row).append('\n');
        }
        Path damagedJsonl = dir.resolve("controls.jsonl");
        Files.writeString(damagedJsonl, jsonl);
        Path damagedCsv = dir.resolve("controls.csv");
        Files.writeString(damagedCsv, csv);
        for (Path damaged : List.of(damagedJsonl, damagedCsv)) {
            Run run = run("score", "--model", model.toString(), "--input", damaged.toString(), "--output",
                    dir.resolve("out-" + damaged.getFileName()).toString(), "--output-format", "jsonl", "--master",
                    "local[2]");
            assertEquals(0, run.exitCode(), run.stderr());
            assertEquals(lines, run.rows().size(), damaged + ": one output row per input line");
        }
    }

    @Test
    void truncateLeftScoresTheLongRowAndWithoutFailOnErrorTheJobSucceeds() throws IOException {
        Run run = run("score", "--model", model.toString(), "--input", input.toString(), "--output",
                dir.resolve("truncated").toString(), "--output-format", "jsonl", "--master", "local[2]",
                "--max-length", "16", "--overlong", "truncate-left");
        assertEquals(0, run.exitCode(), run.stderr());
        JsonNode row = run.byKey().get(4);
        assertNull(kind(row));
        // 16 positions score 17 tokens: the last token is a target only (LengthLimit#fitScored).
        assertEquals(17, row.get("prompt_tokens").asInt());
    }

    @Test
    void generateReservesRoomForNewTokens() throws IOException {
        Run run = run("generate", "--model", model.toString(), "--input", input.toString(), "--output",
                dir.resolve("generated").toString(), "--output-format", "jsonl", "--master", "local[2]",
                "--max-length", "22", "--max-new-tokens", "4");
        assertEquals(0, run.exitCode(), run.stderr());
        Map<Integer, JsonNode> rows = run.byKey();
        assertEquals("too_long", kind(rows.get(4)), "20 prompt tokens + 4 new > 22");
        assertEquals("non_finite", kind(rows.get(7)));
        assertEquals(4, rows.get(9).get("completion_tokens").asInt());
    }

    @Test
    void evaluateCountsSampleErrorsByKindInMetricsAndSummary() throws IOException {
        Path data = dir.resolve("arc.jsonl");
        String choices = "\"choices\": {\"text\": [\"4\", \"5\"], \"label\": [\"A\", \"B\"]}, \"answerKey\": \"A\"";
        Files.writeString(data, String.join("\n",
                "{\"id\": \"q1\", \"question\": \"2 + 2 =\", " + choices + "}",
                "{\"id\": \"q2\", \"question\": \"" + LONG + LONG + "\", " + choices + "}",
                "{\"id\": \"q3\", \"question\": \"bad \\ud800 text\", " + choices + "}") + "\n");
        Path strict = dir.resolve("eval-strict");
        Run run = run("evaluate", "--model", model.toString(), "--task", "mc_jsonl", "--data", data.toString(),
                "--output", strict.toString(), "--master", "local[2]", "--max-length", "40", "--overlong", "error",
                "--fail-on-error");
        assertEquals(PltCli.EXIT_ROW_ERRORS, run.exitCode(), run.stderr());
        JsonNode metrics = JSON.readTree(strict.resolve("metrics.json").toFile());
        assertEquals(2, metrics.get("errors").asInt());
        assertEquals(JSON.readTree("{\"invalid_utf8\": 1, \"too_long\": 1}"), metrics.get("errors_by_kind"));
        assertTrue(run.stdout().contains("2 errors (1 invalid_utf8, 1 too_long)"), run.stdout());

        Path lenient = dir.resolve("eval-default");
        run = run("evaluate", "--model", model.toString(), "--task", "mc_jsonl", "--data", data.toString(),
                "--output", lenient.toString(), "--master", "local[2]", "--max-length", "40");
        assertEquals(0, run.exitCode(), run.stderr());
        metrics = JSON.readTree(lenient.resolve("metrics.json").toFile());
        assertEquals(JSON.readTree("{\"invalid_utf8\": 1}"), metrics.get("errors_by_kind"),
                "by default (as lm-eval) the long context is cut from the left and scored");
        assertEquals("truncate-left", metrics.get("settings").get("overlong").asText());
    }

    /** A GSM8K reference without its "#### N" was scored as a wrong answer; it is an error of that sample. */
    @Test
    void evaluateCountsAGsm8kSampleWithoutItsAnswerNumberAsAnError() throws IOException {
        Path data = dir.resolve("gsm8k_data.jsonl");
        Files.writeString(data, "{\"question\": \"1 + 1?\", \"answer\": \"1 + 1 = 2\\n#### 2\"}\n"
                + "{\"question\": \"No number?\", \"answer\": \"two\"}\n");
        Path out = dir.resolve("eval-gsm8k");
        Run run = run("evaluate", "--model", model.toString(), "--task", "gsm8k", "--data", data.toString(),
                "--task-option", "num_fewshot=0", "--task-option", "max_gen_toks=4", "--output", out.toString(),
                "--master", "local[2]");
        assertEquals(0, run.exitCode(), run.stderr());
        JsonNode metrics = JSON.readTree(out.resolve("metrics.json").toFile());
        assertEquals(1, metrics.get("errors").asInt());
        assertEquals(JSON.readTree("{\"invalid_input\": 1}"), metrics.get("errors_by_kind"));
        assertTrue(run.stdout().contains("1 errors (1 invalid_input)"), run.stdout());
        assertTrue(Files.readString(out.resolve("report.html")).contains("sample gsm8k/gsm8k_data/1 (question"),
                "the error names the sample");
    }
}
