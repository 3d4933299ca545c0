package dev.plt.datasets.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.datasets.readers.ByteLines;
import dev.plt.model.errors.InvalidInputException;
import dev.plt.model.tokenizer.StrictUtf8;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a small JSONL file of objects on the driver, for task definitions. Unlike the Spark readers
 * this is strict: a benchmark with a broken line (bad JSON, not an object, not UTF-8) is a broken
 * benchmark, so the error names the line. Blank lines are skipped.
 */
public final class JsonLines {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonLines() {
    }

    public static List<JsonNode> read(Path file) {
        List<JsonNode> rows = new ArrayList<>();
        try (ByteLines lines = new ByteLines(Files.newInputStream(file))) {
            byte[] bytes;
            while ((bytes = lines.next()) != null) {
                long number = lines.number();
                String line;
                try {
                    line = StrictUtf8.decode(bytes);
                } catch (InvalidInputException e) {
                    throw new IllegalArgumentException(file + ":" + number + ": " + e.getMessage());
                }
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = MAPPER.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(file + ":" + number + ": not valid JSON: "
                            + e.getOriginalMessage(), e);
                }
                if (!node.isObject()) {
                    throw new IllegalArgumentException(file + ":" + number + ": expected a JSON object");
                }
                rows.add(node);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return rows;
    }

    /** A required text field, with an error naming the file and the row. */
    public static String text(JsonNode row, String field, Path file, int index) {
        JsonNode value = row.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException(file + ": row " + index + " has no field '" + field + "'");
        }
        return value.asText();
    }
}
