package dev.plt.datasets.tasks.chase;

/**
 * The characters of compact pointer chasing. Variables are the letters {@code a}..{@code i}; each ordered
 * pair (k, v), k != v, is one printable ASCII character, so a fact "k points to v" is a single byte token
 * and the model has to learn the 72 pairs from the data rather than read them off two letters.
 *
 * <p>The pair characters are printable ASCII without the space, the separator {@code |}, {@code .}, the
 * digits 1-7 (hop digits, kept free for deeper hops), the variable letters and the two characters JSON
 * escapes ({@code "} and {@code \}); of the 74 that remain the first 72 in code order are used.
 */
public final class ChaseAlphabet {
    public static final int VARIABLES = 9;
    public static final int PAIRS = VARIABLES * (VARIABLES - 1);
    public static final char SEPARATOR = '|';
    private static final String EXCLUDED = "|.1234567abcdefghi\"\\";
    private static final String PAIR_CHARS = choosePairChars();

    private ChaseAlphabet() {
    }

    /** The letter of variable {@code v} (0-based). */
    public static char letter(int v) {
        if (v < 0 || v >= VARIABLES) {
            throw new IllegalArgumentException("variable " + v + " is not in 0.." + (VARIABLES - 1));
        }
        return (char) ('a' + v);
    }

    /** The variable of a letter, or -1 when {@code c} is not one. */
    public static int variable(char c) {
        return c >= 'a' && c < 'a' + VARIABLES ? c - 'a' : -1;
    }

    /** The character of the fact "{@code from} points to {@code to}". */
    public static char pair(int from, int to) {
        if (from == to) {
            throw new IllegalArgumentException("a variable never points to itself: " + letter(from));
        }
        letter(from);
        letter(to);
        return PAIR_CHARS.charAt(from * (VARIABLES - 1) + (to < from ? to : to - 1));
    }

    /** {from, to} of a pair character; throws when {@code c} is not one. */
    public static int[] unpair(char c) {
        int index = PAIR_CHARS.indexOf(c);
        if (index < 0) {
            throw new IllegalArgumentException("'" + c + "' is not a pair character");
        }
        int from = index / (VARIABLES - 1);
        int rest = index % (VARIABLES - 1);
        return new int[] {from, rest < from ? rest : rest + 1};
    }

    /** All 72 pair characters, in pair order. */
    public static String pairChars() {
        return PAIR_CHARS;
    }

    private static String choosePairChars() {
        StringBuilder chars = new StringBuilder();
        for (char c = '!'; c <= '~' && chars.length() < PAIRS; c++) {
            if (EXCLUDED.indexOf(c) < 0) {
                chars.append(c);
            }
        }
        return chars.toString();
    }
}
