package dev.plt.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plt infer} gives every bad line its own error and error_kind, and the summary counts them by kind. */
class InferBadRowsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void badLinesGetTheirKindsAndTheJobGoesOn() throws IOException {
        Path model = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.Spec.small());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("{\"id\": 1, \"input_ids\": [5, 6, 7]}\n".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes("{\"id\": 2, \"text\": \"caf\u00e9\"}\r\n".getBytes(StandardCharsets.ISO_8859_1));
        bytes.writeBytes("{\"id\": \"3\\ud800\", \"text\": \"x\\udc00\"}\n".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes("{\"id\": 4, \"input_ids\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}\n".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes("{\"id\": 5, \"input_ids\": [1, 1099511627776]}\n".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes("{\"id\": 6, \"text\": null}\n".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes("{\"id\": 7, \"input_ids\": [1], \"max_new_tokens\": 1000000}\n".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes("{\"id\": 8, \"text\": \"ok\"}".getBytes(StandardCharsets.UTF_8)); // no final newline
        Path input = Files.write(dir.resolve("in.jsonl"), bytes.toByteArray());
        Path output = dir.resolve("out.jsonl");

        StringWriter err = new StringWriter();
        int code = PltCli.execute(new PrintWriter(err, true), "infer", "--model", model.toString(), "--input",
                input.toString(), "--output", output.toString(), "--max-length", "8", "--threads", "1");
        assertEquals(PltCli.EXIT_ROW_ERRORS, code, err.toString());

        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
            rows.add(JSON.readTree(line));
        }
        assertEquals(8, rows.size());
        assertFalse(rows.get(0).has("error"));
        assertEquals(List.of("invalid_utf8", "invalid_utf8", "too_long", "token_out_of_range", "null_input",
                "too_long"), rows.subList(1, 7).stream().map(r -> r.get("error_kind").asText()).toList());
        assertTrue(rows.get(1).get("error").asText().contains("bad byte 0xe9"), rows.get(1).toString());
        assertEquals("3\ud800", rows.get(2).get("id").asText(), "an id with a lone surrogate is echoed exactly");
        assertFalse(rows.get(7).has("error"));
        String summary = err.toString();
        assertTrue(summary.contains("plt infer: 8 rows, 6 errors (2 invalid_utf8, 1 null_input, "
                + "1 token_out_of_range, 2 too_long)"), summary);
    }
}
