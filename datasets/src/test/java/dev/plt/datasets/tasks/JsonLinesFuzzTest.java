package dev.plt.datasets.tasks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.testing.Mutations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of the strict driver-side JSONL reader (task data): random bytes and damaged valid
 * files either read as objects or fail with one {@link IllegalArgumentException} line naming the file
 * and line; nothing else escapes and nothing hangs.
 */
class JsonLinesFuzzTest {
    private static final Duration PER_INPUT = Duration.ofSeconds(10);
    private static final String VALID = """
            {"question": "2 + 2?", "choices": ["3", "4"], "answer": 1}
            {"question": "caf\\u00e9 \\ud83d\\ude00", "choices": [" yes", " no"], "answer": 0, "meta": {"n": -1.5e3}}

            {"question": "last", "choices": [], "answer": null}
            """;

    @TempDir
    Path dir;

    @Test
    void randomBytesReadOrFailWithTheirLine() throws IOException {
        Mutations m = new Mutations(501);
        for (int i = 0; i < 150; i++) {
            read(i, m.randomBytes(300));
        }
    }

    @Test
    void damagedValidFilesReadOrFailWithTheirLine() throws IOException {
        Mutations m = new Mutations(502);
        int read = 0;
        for (int i = 0; i < 300; i++) {
            read += read(1000 + i, m.mutate(VALID.getBytes(StandardCharsets.UTF_8))) ? 1 : 0;
        }
        assertTrue(read > 0 && read < 300, read + " of 300 damaged files still read");
    }

    private boolean read(int index, byte[] bytes) throws IOException {
        Path file = dir.resolve("fuzz-" + index + ".jsonl");
        Files.write(file, bytes);
        Pattern located = Pattern.compile(Pattern.quote(file.toString()) + ":\\d+: .*");
        return assertTimeoutPreemptively(PER_INPUT, () -> {
            try {
                JsonLines.read(file).forEach(row -> assertTrue(row.isObject()));
                return true;
            } catch (IllegalArgumentException e) {
                assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
                assertTrue(located.matcher(e.getMessage()).matches(), e.getMessage());
                return false;
            }
        }, () -> "input " + index + ": " + new String(bytes, StandardCharsets.ISO_8859_1));
    }
}
