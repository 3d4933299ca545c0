package dev.plt.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.errors.ErrorKind;
import dev.plt.model.errors.InvalidInputException;
import dev.plt.model.testing.Mutations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of the tokenizer's input path: random strings (control characters, astral
 * characters, lone surrogates) and damaged text either encode to ids that decode back to the text
 * (the byte-level tokenizer is lossless) or, for a lone surrogate, fail with {@code invalid_utf8}.
 */
class TokenizerFuzzTest {
    private static final Duration PER_INPUT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    static PltTokenizer tokenizer;

    @BeforeAll
    static void load() {
        Path file = dir.resolve("tokenizer.json");
        ByteLevelTokenizerJson.write(file, List.of(new String[] {"t", "h"}, new String[] {"th", "e"}),
                List.of("<|endoftext|>"));
        tokenizer = PltTokenizer.load(file);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void loneSurrogatesAreInvalidUtf8() {
        for (String text : List.of("x\ud800y", "\udc00", "ab\ud800", "\ud800\ud800\udc00")) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> tokenizer.encode(text));
            assertEquals(ErrorKind.INVALID_UTF8, e.kind());
            assertTrue(e.getMessage().contains("U+D") && e.getMessage().contains("at char"), e.getMessage());
        }
        assertEquals(4, tokenizer.encode("\ud83d\ude00").length, "a surrogate pair is one character, 4 UTF-8 bytes");
    }

    @Test
    void randomStringsEncodeLosslesslyOrAreInvalidUtf8() {
        Mutations m = new Mutations(301);
        int invalid = 0;
        for (int i = 0; i < 300; i++) {
            invalid += encode(i, m.randomString(200)) ? 0 : 1;
        }
        assertTrue(invalid > 0 && invalid < 300, invalid + " of 300 had lone surrogates");
    }

    @Test
    void damagedTextEncodesLosslesslyOrIsInvalidUtf8() {
        Mutations m = new Mutations(302);
        for (int i = 0; i < 200; i++) {
            encode(i, m.mutate("the theme of <|endoftext|> is: héllo 世界 🙂 \"quoted\" \\ escaped"));
        }
    }

    /** True if the text encoded (and decoded back to itself); false if rejected as invalid_utf8. */
    private static boolean encode(int index, String text) {
        return assertTimeoutPreemptively(PER_INPUT, () -> {
            boolean lone = LoneSurrogates.indexOf(text) >= 0;
            try {
                int[] ids = tokenizer.encode(text);
                assertTrue(!lone, "a lone surrogate must be rejected");
                for (int id : ids) {
                    assertTrue(id >= 0 && id < tokenizer.vocabSize(), "id " + id);
                }
                assertEquals(text, tokenizer.decode(ids));
                return true;
            } catch (InvalidInputException e) {
                assertTrue(lone, "only lone surrogates are rejected: " + e.getMessage());
                assertEquals(ErrorKind.INVALID_UTF8, e.kind());
                return false;
            }
        }, () -> "input " + index + ": " + text.chars().mapToObj(Integer::toHexString).toList());
    }
}
