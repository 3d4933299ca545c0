package dev.plt.jobs.evaluate;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * JSON text as Python's {@code json.dumps(value, indent=..., ensure_ascii=False)} writes it, which is how
 * lm-evaluation-harness writes its results and samples files and what its {@code doc_hash} is taken over;
 * and Python's {@code repr(float)} and {@code str(bool)}, which its samples files hold as strings.
 *
 * <p>Values are Java's plain shapes: {@link Map} (keys in iteration order), {@link List}, {@link String},
 * {@link Boolean}, {@link Integer}/{@link Long}, {@link Double} and null. Python's rules, as of CPython 3:
 * <ul>
 *   <li>separators: {@code ", "} and {@code ": "} without indent; {@code ","} at line ends and {@code ": "}
 *       with one; empty lists and objects stay {@code []} and {@code {}};</li>
 *   <li>strings: {@code \"}, {@code \\}, {@code \b \f \n \r \t}, and a backslash, {@code u} and four
 *       lower-case hex digits for the other control characters below U+0020; everything else as is
 *       (ensure_ascii=False);</li>
 *   <li>floats: the shortest decimal that reads back as the same double (David Gay's algorithm, Python's
 *       {@code repr}), in positional notation for decimal exponents -4..15, else as {@code 1e-05},
 *       {@code 1.5e+16}; a whole number keeps {@code .0}; non-finite numbers as {@code NaN},
 *       {@code Infinity}, {@code -Infinity} (json's default allow_nan=True).</li>
 * </ul>
 */
public final class PythonJson {
    private PythonJson() {
    }

    /** {@code json.dumps(value, ensure_ascii=False)}: one line. */
    public static String dumps(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, -1, 0);
        return out.toString();
    }

    /** {@code json.dumps(value, indent=indent, ensure_ascii=False)}. */
    public static String dumps(Object value, int indent) {
        if (indent < 0) {
            throw new IllegalArgumentException("indent must be >= 0, got " + indent);
        }
        StringBuilder out = new StringBuilder();
        write(out, value, indent, 0);
        return out.toString();
    }

    /** lm-eval's {@code hash_string}: SHA-256 of the UTF-8 bytes, lower-case hex. */
    public static String hashString(String text) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Python's {@code str(b)}: {@code True} or {@code False}. */
    public static String str(boolean b) {
        return b ? "True" : "False";
    }

    /** Python's {@code str(x)} = {@code repr(x)} of a float: {@code -1.25}, {@code 1e-05}, {@code nan}, {@code inf}. */
    public static String repr(double x) {
        if (Double.isNaN(x)) {
            return "nan";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        if (x == 0) {
            return Double.doubleToRawLongBits(x) < 0 ? "-0.0" : "0.0";
        }
        BigDecimal shortest = shortest(x).stripTrailingZeros();
        String digits = shortest.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - shortest.scale(); // x = d.ddd * 10^exponent
        StringBuilder out = new StringBuilder(x < 0 ? "-" : "");
        if (exponent < -4 || exponent >= 16) {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            out.append('e').append(exponent < 0 ? '-' : '+');
            int magnitude = Math.abs(exponent);
            out.append(magnitude < 10 ? "0" : "").append(magnitude);
        } else if (exponent < 0) {
            out.append("0.").append("0".repeat(-exponent - 1)).append(digits);
        } else if (exponent >= digits.length() - 1) {
            out.append(digits).append("0".repeat(exponent - digits.length() + 1)).append(".0");
        } else {
            out.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, digits.length());
        }
        return out.toString();
    }

    /**
     * The decimal with the fewest significant digits that parses back to {@code x}; of two such, the
     * nearer (then the one with an even last digit). For each precision the candidates are the nearest
     * decimals below and above {@code x}: any decimal of that precision that round-trips lies between them.
     */
    private static BigDecimal shortest(double x) {
        BigDecimal exact = new BigDecimal(x);
        for (int precision = 1; precision <= 17; precision++) {
            BigDecimal down = exact.round(new MathContext(precision, RoundingMode.FLOOR));
            BigDecimal up = exact.round(new MathContext(precision, RoundingMode.CEILING));
            boolean downOk = down.doubleValue() == x;
            boolean upOk = up.doubleValue() == x;
            if (downOk && upOk) {
                int cmp = exact.subtract(down).compareTo(up.subtract(exact));
                if (cmp != 0) {
                    return cmp < 0 ? down : up;
                }
                return exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            }
            if (downOk) {
                return down;
            }
            if (upOk) {
                return up;
            }
        }
        return exact.round(MathContext.DECIMAL64); // 17 digits always round-trip; not reached
    }

    private static void write(StringBuilder out, Object value, int indent, int depth) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(out, s);
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof Double || value instanceof Float) {
            number(out, ((Number) value).doubleValue());
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte || value instanceof java.math.BigInteger) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            object(out, map, indent, depth);
        } else if (value instanceof List<?> list) {
            array(out, list, indent, depth);
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    private static void number(StringBuilder out, double x) {
        if (Double.isNaN(x)) {
            out.append("NaN");
        } else if (Double.isInfinite(x)) {
            out.append(x > 0 ? "Infinity" : "-Infinity");
        } else {
            out.append(repr(x));
        }
    }

    private static void object(StringBuilder out, Map<?, ?> map, int indent, int depth) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new IllegalArgumentException("JSON object keys must be strings, got " + e.getKey());
            }
            separator(out, first, indent, depth + 1);
            first = false;
            string(out, key);
            out.append(": ");
            write(out, e.getValue(), indent, depth + 1);
        }
        close(out, indent, depth);
        out.append('}');
    }

    private static void array(StringBuilder out, List<?> list, int indent, int depth) {
        if (list.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        boolean first = true;
        for (Object item : list) {
            separator(out, first, indent, depth + 1);
            first = false;
            write(out, item, indent, depth + 1);
        }
        close(out, indent, depth);
        out.append(']');
    }

    private static void separator(StringBuilder out, boolean first, int indent, int depth) {
        if (indent < 0) {
            out.append(first ? "" : ", ");
        } else {
            out.append(first ? "" : ",").append('\n').append(" ".repeat(indent * depth));
        }
    }

    private static void close(StringBuilder out, int indent, int depth) {
        if (indent >= 0) {
            out.append('\n').append(" ".repeat(indent * depth));
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
