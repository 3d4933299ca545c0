package dev.plt.datasets.tasks;

/**
 * Python's {@code str.isspace()} and {@code str.strip()}: lm-eval's prompts are defined by Python
 * string operations, and Java's {@code String.strip()} differs on a few characters (no-break space,
 * U+0085 NEXT LINE), which would change a prompt.
 */
public final class PythonWhitespace {
    private PythonWhitespace() {
    }

    /** Python's whitespace: Java whitespace plus the space separators (incl. no-break) and U+0085. */
    public static boolean isSpace(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint) || codePoint == 0x85;
    }

    /** The length of {@code s} without its trailing whitespace ({@code len(s.rstrip())}). */
    public static int stripTrailingLength(String s) {
        int end = s.length();
        while (end > 0) {
            int cp = s.codePointBefore(end);
            if (!isSpace(cp)) {
                break;
            }
            end -= Character.charCount(cp);
        }
        return end;
    }

    /** {@code s.strip()}. */
    public static String strip(String s) {
        int end = stripTrailingLength(s);
        int start = 0;
        while (start < end) {
            int cp = s.codePointAt(start);
            if (!isSpace(cp)) {
                break;
            }
            start += Character.charCount(cp);
        }
        return s.substring(start, end);
    }
}
