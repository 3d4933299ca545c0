package dev.plt.model.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded inputs for fuzz tests: random bytes and strings, and mutations of valid inputs (the inputs
 * most likely to reach deep into a parser: valid up to one damaged spot). The same seed gives the same
 * sequence, so a failing input is reproduced by rerunning the test.
 */
public final class Mutations {
    /** Bytes that mean something to JSON, CSV, UTF-8 or a length field. */
    private static final byte[] INTERESTING_BYTES = {0, 1, '\n', '\r', '"', '\\', '{', '}', '[', ']', ',', ':', '-',
        '0', '9', 'e', 'u', (byte) 0x7f, (byte) 0x80, (byte) 0xbf, (byte) 0xc0, (byte) 0xc3, (byte) 0xed, (byte) 0xf0,
        (byte) 0xf4, (byte) 0xff};

    /** Fragments that are valid JSON or JSON-like but wrong in kind or size where they land. */
    private static final List<String> INTERESTING_TEXT = List.of("null", "true", "-1", "0", "2147483648",
        "-9223372036854775809", "1e999", "1.5", "NaN", "\"\"", "[]", "{}", "[[]]", "\"\\ud800\"", "\\ud800",
        "\\udc00x", "\uFFFD", "\u0000", "\"a\":1,", "{\"a\":", "]]]]", "\uD83D\uDE00", "\\", "\"");

    private final Random random;

    public Mutations(long seed) {
        this.random = new Random(seed);
    }

    public Random random() {
        return random;
    }

    /** Up to {@code maxLength} uniformly random bytes. */
    public byte[] randomBytes(int maxLength) {
        byte[] out = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(out);
        return out;
    }

    /**
     * Up to {@code maxLength} random UTF-16 chars: ASCII, other BMP characters, surrogate pairs and
     * lone surrogates, control characters.
     */
    public String randomString(int maxLength) {
        StringBuilder out = new StringBuilder();
        int n = random.nextInt(maxLength + 1);
        while (out.length() < n) {
            switch (random.nextInt(6)) {
                case 0, 1 -> out.append((char) (0x20 + random.nextInt(0x5f)));
                case 2 -> out.append((char) random.nextInt(0x20));
                case 3 -> out.append((char) random.nextInt(0x10000)); // may be a lone surrogate
                case 4 -> out.appendCodePoint(0x10000 + random.nextInt(0x100000));
                default -> out.append(INTERESTING_TEXT.get(random.nextInt(INTERESTING_TEXT.size())));
            }
        }
        return out.toString();
    }

    /** {@code valid} with 1 to 4 random byte-level damages (flips, inserts, deletes, repeats, cuts). */
    public byte[] mutate(byte[] valid) {
        byte[] out = valid.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            out = mutateOnce(out);
        }
        return out;
    }

    /** {@code valid} with 1 to 4 damages: byte-level ones (on its UTF-8) or a fragment spliced in. */
    public String mutate(String valid) {
        String out = valid;
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            if (random.nextBoolean()) {
                out = new String(mutateOnce(out.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
            } else {
                int at = out.isEmpty() ? 0 : random.nextInt(out.length() + 1);
                int cut = Math.min(out.length(), at + random.nextInt(4));
                out = out.substring(0, at) + INTERESTING_TEXT.get(random.nextInt(INTERESTING_TEXT.size()))
                        + out.substring(cut);
            }
        }
        return out;
    }

    private byte[] mutateOnce(byte[] in) {
        if (in.length == 0) {
            return new byte[] {INTERESTING_BYTES[random.nextInt(INTERESTING_BYTES.length)]};
        }
        int at = random.nextInt(in.length);
        switch (random.nextInt(6)) {
            case 0 -> {
                byte[] out = in.clone();
                out[at] ^= (byte) (1 << random.nextInt(8));
                return out;
            }
            case 1 -> {
                byte[] out = in.clone();
                out[at] = INTERESTING_BYTES[random.nextInt(INTERESTING_BYTES.length)];
                return out;
            }
            case 2 -> {
                byte[] insert = new byte[1 + random.nextInt(8)];
                random.nextBytes(insert);
                return splice(in, at, at, insert);
            }
            case 3 -> {
                int end = Math.min(in.length, at + 1 + random.nextInt(16));
                return splice(in, at, end, new byte[0]);
            }
            case 4 -> {
                int end = Math.min(in.length, at + 1 + random.nextInt(32));
                return splice(in, at, at, Arrays.copyOfRange(in, at, end));
            }
            default -> {
                return Arrays.copyOf(in, at);
            }
        }
    }

    private static byte[] splice(byte[] in, int from, int to, byte[] insert) {
        byte[] out = new byte[in.length - (to - from) + insert.length];
        System.arraycopy(in, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(in, to, out, from + insert.length, in.length - to);
        return out;
    }
}
