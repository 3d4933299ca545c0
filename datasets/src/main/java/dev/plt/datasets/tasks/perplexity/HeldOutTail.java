package dev.plt.datasets.tasks.perplexity;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The held-out tail of a text file, cut exactly where the trainer's byte-level corpus cuts it
 * ({@code ByteTextCorpus}: the last {@code round(bytes * fraction)} bytes are held out), so a model is
 * scored on text it never trained on. Should the cut fall inside a multi-byte UTF-8 character, the tail
 * starts at the next character.
 */
public final class HeldOutTail {
    private HeldOutTail() {
    }

    static void check(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("tail_fraction must be in [0, 1), got " + fraction);
        }
    }

    /** The text of the last {@code fraction} of {@code bytes}; the whole text when {@code fraction} is 0. */
    public static String of(byte[] bytes, double fraction) {
        check(fraction);
        if (fraction == 0) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        int start = bytes.length - (int) Math.round(bytes.length * fraction);
        while (start < bytes.length && (bytes[start] & 0xC0) == 0x80) {
            start++; // a UTF-8 continuation byte: the character began in the training part
        }
        return new String(Arrays.copyOfRange(bytes, start, bytes.length), StandardCharsets.UTF_8);
    }
}
