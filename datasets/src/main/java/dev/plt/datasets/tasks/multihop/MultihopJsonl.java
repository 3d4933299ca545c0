package dev.plt.datasets.tasks.multihop;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes generated problems as training data, one {@code {"prompt": ..., "answer": ...}} object per
 * line. {@code answer} is the exact scored continuation, leading space included ({@code " 3"}), so a
 * trainer that learns {@code prompt + answer} learns exactly what evaluation asks.
 */
public final class MultihopJsonl {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private MultihopJsonl() {
    }

    /** Generates {@code spec}'s problems into {@code out} (created or replaced); returns the line count. */
    public static int write(Path out, MultihopSpec spec) {
        return write(out, List.of(spec));
    }

    /** Several specs (e.g. a curriculum of depths) into one file, in order; returns the line count. */
    public static int write(Path out, List<MultihopSpec> specs) {
        int lines = 0;
        try (BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (MultihopSpec spec : specs) {
                for (MultihopProblem problem : MultihopGenerator.generate(spec)) {
                    ObjectNode row = MAPPER.createObjectNode();
                    row.put("prompt", problem.prompt());
                    row.put("answer", problem.answerText());
                    writer.write(MAPPER.writeValueAsString(row));
                    writer.write('\n');
                    lines++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out, e);
        }
        return lines;
    }
}
