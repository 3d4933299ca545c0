package dev.plt.model.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.model.testing.Mutations;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of config.json parsing: random text and damaged valid configs either give a config or
 * a one-line {@link ConfigException} naming the source; nothing else escapes and nothing hangs.
 */
class ConfigLoaderFuzzTest {
    private static final Duration PER_INPUT = Duration.ofSeconds(10);
    private static final String SOURCE = "fuzz/config.json";

    @Test
    void randomTextIsRejectedWithOneLine() {
        Mutations m = new Mutations(101);
        for (int i = 0; i < 200; i++) {
            String text = i % 2 == 0 ? m.randomString(300) : new String(m.randomBytes(300), StandardCharsets.UTF_8);
            parse(i, text);
        }
    }

    @Test
    void damagedValidConfigsParseOrFailWithOneLine() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String[] valid = {
            json.writeValueAsString(RandomCheckpoint.config(RandomCheckpoint.Spec.small())),
            json.writeValueAsString(RandomCheckpoint.config(RandomCheckpoint.Spec.small().withLoops(3, "serial"))),
            json.writeValueAsString(RandomCheckpoint.config(RandomCheckpoint.Spec.small().withLoops(1, "parallel")))
        };
        Mutations m = new Mutations(102);
        int parsed = 0;
        int rejected = 0;
        for (int i = 0; i < 400; i++) {
            if (parse(i, m.mutate(valid[i % valid.length]))) {
                parsed++;
            } else {
                rejected++;
            }
        }
        // Both outcomes must occur, or the mutations are too weak (or too strong) to test anything.
        assertTrue(parsed > 20 && rejected > 20, parsed + " parsed, " + rejected + " rejected");
    }

    /** True if the text parsed; false if it was rejected the documented way. */
    private static boolean parse(int index, String text) {
        return assertTimeoutPreemptively(PER_INPUT, () -> {
            try {
                ConfigLoader.parse(SOURCE, text);
                return true;
            } catch (ConfigException e) {
                String message = e.getMessage();
                assertTrue(message.startsWith(SOURCE + ": "), message);
                assertFalse(message.substring(SOURCE.length()).contains(SOURCE), "source named twice: " + message);
                assertFalse(message.contains("\n"), "one line: " + message);
                return false;
            }
        }, () -> "input " + index + ": " + text);
    }
}
