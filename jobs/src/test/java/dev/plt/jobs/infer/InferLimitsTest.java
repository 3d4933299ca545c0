package dev.plt.jobs.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.jobs.cli.PltCli;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile lines through the real {@code plt infer}: nested ~900 deep, 50 MB long, full of NUL and control
 * bytes. Each gets its own output line (an error with its kind, its line number and, when it comes before
 * the damage, its id), in time, and the lines around it run.
 */
class InferLimitsTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GOOD = "{\"id\": \"good\", \"input_ids\": [5, 6, 7]}";

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void setUp() {
        model = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.Spec.small());
    }

    private record Run(int code, List<JsonNode> rows, long outputLines, String stderr) {
    }

    private static Run infer(Path input, String... extra) {
        return assertTimeoutPreemptively(LIMIT, () -> {
            Path output = dir.resolve(input.getFileName() + ".out");
            List<String> args = new ArrayList<>(List.of("infer", "--model", model.toString(), "--input",
                    input.toString(), "--output", output.toString(), "--threads", "1"));
            args.addAll(List.of(extra));
            StringWriter err = new StringWriter();
            int code = PltCli.execute(new PrintWriter(err, true), args.toArray(String[]::new));
            assertEquals(PltCli.EXIT_ROW_ERRORS, code, err.toString());
            byte[] bytes = Files.readAllBytes(output);
            long newlines = 0;
            for (byte b : bytes) {
                newlines += b == '\n' ? 1 : 0;
            }
            List<JsonNode> rows = new ArrayList<>();
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                rows.add(JSON.readTree(line));
            }
            return new Run(code, rows, newlines, err.toString());
        });
    }

    private static void assertError(JsonNode row, String kind, long line, String id) {
        assertEquals(kind, row.path("error_kind").asText(), row.toString());
        assertEquals(line, row.path("line").asLong(), row.toString());
        if (id == null) {
            assertTrue(row.get("id").isNull(), row.toString());
        } else {
            assertEquals(id, row.get("id").asText(), row.toString());
        }
    }

    private static String nested(int depth, String inner) {
        return "[".repeat(depth) + inner + "]".repeat(depth);
    }

    @Test
    void linesNested900DeepFailAloneWithTheirIdWhenItComesFirst() throws IOException {
        Path input = Files.writeString(dir.resolve("deep.jsonl"), String.join("\n",
                "{\"id\": \"deep-ids\", \"input_ids\": " + nested(900, "1") + "}",
                nested(900, ""),
                "{\"id\": " + nested(900, "\"x\"") + ", \"input_ids\": [1]}",
                "{\"text\": \"" + nested(900, "") + "\", \"deep\": " + nested(899, "{}") + ", \"id\": \"late\"}",
                "{\"id\": \"at-limit\", \"input_ids\": [5, 6], \"x\": " + nested(InferJob.MAX_DEPTH - 1, "") + "}",
                GOOD) + "\n");
        Run run = infer(input);
        assertEquals(6, run.rows().size());
        assertError(run.rows().get(0), "malformed_line", 1, "deep-ids");
        assertTrue(run.rows().get(0).get("error").asText().contains("nesting depth"), run.rows().get(0).toString());
        assertError(run.rows().get(1), "malformed_line", 2, null);
        assertError(run.rows().get(2), "malformed_line", 3, null);
        assertError(run.rows().get(3), "malformed_line", 4, null);
        assertFalse(run.rows().get(4).has("error"), "nesting up to the limit is fine: " + run.rows().get(4));
        assertFalse(run.rows().get(5).has("error"));
    }

    @Test
    void aFiftyMegabyteLineFailsAloneAsTooLongWithItsId() throws IOException {
        Path input = dir.resolve("long.jsonl");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(input), 1 << 20)) {
            out.write((GOOD + "\n").getBytes(StandardCharsets.UTF_8));
            out.write("{\"id\": 17, \"text\": \"".getBytes(StandardCharsets.UTF_8));
            byte[] block = "abcdefgh".repeat(1 << 16).getBytes(StandardCharsets.UTF_8); // 512 KiB
            for (int i = 0; i < 100; i++) {
                out.write(block);
            }
            out.write("\"}\n".getBytes(StandardCharsets.UTF_8));
            out.write("[".repeat(50 << 20).getBytes(StandardCharsets.UTF_8)); // no id, and deep: fails by length
            out.write('\n');
            out.write((GOOD + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Run run = infer(input);
        assertEquals(4, run.rows().size());
        assertFalse(run.rows().get(0).has("error"));
        assertError(run.rows().get(1), "too_long", 2, "17");
        assertTrue(run.rows().get(1).get("error").asText().contains("--max-line-bytes"), run.rows().get(1).toString());
        assertError(run.rows().get(2), "too_long", 3, null);
        assertFalse(run.rows().get(3).has("error"));
    }

    @Test
    void theLineLimitCountsBytesWithoutTheLineEnd() throws IOException {
        String fits = "{\"id\": 1, \"input_ids\": [5, 6]}"; // 31 bytes
        String over = "{\"id\": 2, \"input_ids\": [5, 66]}"; // 32 bytes
        Path input = Files.writeString(dir.resolve("limit.jsonl"), fits + "\n" + fits + "\r\n" + over + "\n" + over);
        Run run = infer(input, "--max-line-bytes", Integer.toString(fits.length()));
        assertEquals(4, run.rows().size());
        assertFalse(run.rows().get(0).has("error"), run.rows().get(0).toString());
        assertFalse(run.rows().get(1).has("error"), "a CRLF line end is not counted: " + run.rows().get(1));
        assertError(run.rows().get(2), "too_long", 3, "2");
        assertError(run.rows().get(3), "too_long", 4, "2");
    }

    @Test
    void anErrorQuotesAHugeValueOnlyInPart() throws IOException {
        String huge = "[" + "1,".repeat(500_000) + "1]"; // 1 MB, quoted by "input_ids[0] is ..."
        Path input = Files.writeString(dir.resolve("huge-value.jsonl"),
                "{\"id\": 1, \"input_ids\": [" + huge + "]}\n");
        Run run = infer(input);
        String error = run.rows().get(0).get("error").asText();
        assertTrue(error.startsWith("input_ids[0] is [1,1,") && error.length() < 2000, error.length() + " chars");
        assertTrue(run.stderr().length() < 4000, "the summary on stderr stays short: " + run.stderr().length());
    }

    @Test
    void damagedFilesGetOneOutputLinePerInputLine() throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        List<byte[]> lines = new ArrayList<>();
        lines.add(GOOD.getBytes(StandardCharsets.UTF_8));
        lines.add(new byte[] {0});
        lines.add(new byte[] {0, 0, 0, '{', '}'});
        lines.add("{\"id\": 3, \"input_ids\": [5, 6]}\u0000".getBytes(StandardCharsets.UTF_8));
        lines.add("{\"id\": \"a\u0000b\", \"input_ids\": [5]}".getBytes(StandardCharsets.UTF_8));
        for (char c : new char[] {0x0b, 0x0c, 0x1c, 0x1d, 0x1e, 0x1f, 0x7f, 0x85, 0x2028}) {
            lines.add(String.valueOf(c).getBytes(StandardCharsets.UTF_8)); // Java's isBlank() calls some blank
        }
        lines.add("{\"id\": 14,\r \"input_ids\": [5, 6]}".getBytes(StandardCharsets.UTF_8)); // a lone CR inside
        lines.add("{\"id\": 15, \"text\": \"\\u0000\\u0001\\u001f\\r\"}".getBytes(StandardCharsets.UTF_8));
        lines.add(new byte[] {'{', '"', 'i', 'd', '"', ':', '1', '6', ',', (byte) 0xff, (byte) 0xfe, '}'});
        lines.add("{\"id\": 17}\u0001\u0002\u0003".getBytes(StandardCharsets.UTF_8));
        lines.add(GOOD.getBytes(StandardCharsets.UTF_8));
        for (byte[] line : lines) {
            file.writeBytes(line);
            file.write('\n');
        }
        Run run = infer(Files.write(dir.resolve("damaged.jsonl"), file.toByteArray()));
        assertEquals(lines.size(), run.outputLines(), "lines in == lines out");
        assertEquals(lines.size(), run.rows().size());
        assertTrue(run.stderr().contains("plt infer: " + lines.size() + " rows"), run.stderr());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode row = run.rows().get(i);
            assertTrue(row.has("error") ? row.get("line").asInt() == i + 1 : row.has("token_logprobs"),
                    "line " + (i + 1) + ": " + row);
        }
        assertFalse(run.rows().get(0).has("error"));
        assertEquals("14", run.rows().get(14).get("id").asText(), "JSON allows a CR between tokens");
        assertFalse(run.rows().get(14).has("error"), run.rows().get(14).toString());
        assertFalse(run.rows().get(15).has("error"), "escaped control characters are text: " + run.rows().get(15));
        assertError(run.rows().get(3), "malformed_line", 4, "3"); // one object, then a NUL: not silently cut
        assertError(run.rows().get(16), "invalid_utf8", 17, "16");
        assertError(run.rows().get(17), "malformed_line", 18, "17");
        assertFalse(run.rows().get(lines.size() - 1).has("error"));
    }
}
