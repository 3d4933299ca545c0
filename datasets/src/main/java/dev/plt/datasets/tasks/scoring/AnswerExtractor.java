package dev.plt.datasets.tasks.scoring;

import java.io.Serializable;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the final answer in generated text and normalises it for exact match, as lm-eval's GSM8K
 * filters and {@code exact_match} settings do.
 * <ul>
 *   <li>strict: the first match of the strict pattern ({@code "#### (-?[0-9.,]+)"}), the format the
 *       few-shot examples teach;</li>
 *   <li>flexible: the last match of the flexible pattern (by default the last number in the text),
 *       for models that answer without the {@code ####} marker;</li>
 *   <li>normalise: drop everything up to a {@code "#### "} marker, commas and dollar signs, one trailing
 *       period; trim; lower case (lm-eval's {@code regexes_to_ignore} and {@code ignore_case}).</li>
 * </ul>
 * When a pattern has capture groups, the first group that matched is the answer (lm-eval takes the
 * first non-empty group of a match); otherwise the whole match.
 */
public final class AnswerExtractor implements Serializable {
    private static final long serialVersionUID = 1L;

    /** lm-eval's GSM8K strict-match pattern. */
    public static final String STRICT_GSM8K = "#### (-?[0-9.,]+)";
    /** A number: optional sign and dollar, digits with thousands commas, an optional decimal part. */
    public static final String LAST_NUMBER = "-?\\$?[0-9][0-9,]*(?:\\.[0-9]+)?";

    private static final Pattern MARKER_PREFIX = Pattern.compile("(?s).*#### ");
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
    private static final Pattern COMMAS_AND_DOLLARS = Pattern.compile("[,$]");
    private static final Pattern TRAILING_PERIOD = Pattern.compile("\\.$");

    private final String strictRegex;
    private final String flexibleRegex;
    /** Patterns are not serializable; recompiled after deserialization, both at once (threads may race). */
    private transient Compiled compiled;

    private record Compiled(Pattern strict, Pattern flexible) {
    }

    public AnswerExtractor(String strictRegex, String flexibleRegex) {
        this.strictRegex = strictRegex;
        this.flexibleRegex = flexibleRegex;
        // Compile now so that a bad pattern in a task file fails when the task is built, not on an executor.
        patterns();
    }

    public static AnswerExtractor gsm8k() {
        return new AnswerExtractor(STRICT_GSM8K, LAST_NUMBER);
    }

    /** The strict answer: the first match of the strict pattern. */
    public Optional<String> strict(String text) {
        Matcher m = patterns().strict().matcher(text);
        return m.find() ? Optional.of(answerOf(m)) : Optional.empty();
    }

    /** The flexible answer: the last match of the flexible pattern. */
    public Optional<String> flexible(String text) {
        Matcher m = patterns().flexible().matcher(text);
        String last = null;
        while (m.find()) {
            last = answerOf(m);
        }
        return Optional.ofNullable(last);
    }

    /** The comparable form of an answer or of a reference solution ("... #### 1,000" -> "1000"). */
    public static String normalise(String answer) {
        String s = MARKER_PREFIX.matcher(answer).replaceFirst("");
        s = COMMAS_AND_DOLLARS.matcher(s).replaceAll("");
        s = TRAILING_PERIOD.matcher(s.strip()).replaceFirst("");
        return s.strip().toLowerCase(Locale.ROOT);
    }

    /**
     * The number a GSM8K reference solution ends with ({@code "... #### 1,000"} gives {@code "1000"}), or
     * empty when it has no {@code ####} marker or no number after it: such a sample cannot be scored.
     */
    public static Optional<String> reference(String solution) {
        int marker = solution.lastIndexOf("####");
        if (marker < 0) {
            return Optional.empty();
        }
        String answer = normalise("#### " + solution.substring(marker + 4).strip());
        return NUMBER.matcher(answer).matches() ? Optional.of(answer) : Optional.empty();
    }

    private static String answerOf(Matcher m) {
        for (int g = 1; g <= m.groupCount(); g++) {
            if (m.group(g) != null && !m.group(g).isEmpty()) {
                return m.group(g).strip();
            }
        }
        return m.group().strip();
    }

    private Compiled patterns() {
        Compiled c = compiled;
        if (c == null) {
            c = new Compiled(Pattern.compile(strictRegex), Pattern.compile(flexibleRegex));
            compiled = c;
        }
        return c;
    }
}
