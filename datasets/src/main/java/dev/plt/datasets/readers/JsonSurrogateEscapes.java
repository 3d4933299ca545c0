package dev.plt.datasets.readers;

/**
 * Finds JSON {@code \}{@code uXXXX} escapes of lone UTF-16 surrogates ({@code D800-DFFF} not forming a
 * high-low pair). JSON parsers accept them, but the text they make is not Unicode: Spark's parser turns
 * such a character into {@code ?} without a word, so the JSONL reader sets these lines aside first.
 */
final class JsonSurrogateEscapes {
    private JsonSurrogateEscapes() {
    }

    /** Why {@code line} is not valid Unicode (naming the escape and its offset), or null if it is. */
    static String problem(String line) {
        int n = line.length();
        for (int i = 0; i < n; i++) {
            if (line.charAt(i) != '\\') {
                continue;
            }
            int code = i + 1 < n && line.charAt(i + 1) == 'u' ? hex4(line, i + 2) : -1;
            if (code < 0) {
                i++; // some other escape (\\, \", \n, ...): skip the escaped character
                continue;
            }
            if (Character.isHighSurrogate((char) code)) {
                int next = i + 6;
                boolean paired = next + 1 < n && line.charAt(next) == '\\' && line.charAt(next + 1) == 'u'
                        && hex4(line, next + 2) >= 0 && Character.isLowSurrogate((char) hex4(line, next + 2));
                if (!paired) {
                    return describe(code, i);
                }
                i = next + 5;
            } else if (Character.isLowSurrogate((char) code)) {
                return describe(code, i);
            } else {
                i += 5;
            }
        }
        return null;
    }

    private static String describe(int code, int offset) {
        return String.format("JSON escape of a lone surrogate U+%04X at char %d: not valid Unicode", code, offset);
    }

    /** The value of 4 hex digits at {@code at}, or -1 if there are not 4 there. */
    private static int hex4(String s, int at) {
        if (at + 4 > s.length()) {
            return -1;
        }
        int value = 0;
        for (int i = at; i < at + 4; i++) {
            char c = s.charAt(i);
            int digit = c < 128 ? Character.digit(c, 16) : -1; // JSON escapes use ASCII hex digits only
            if (digit < 0) {
                return -1;
            }
            value = value * 16 + digit;
        }
        return value;
    }
}
