package dev.plt.datasets.tasks.scoring;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * lm-eval's {@code exact_match} metric with its options ({@code exact_match_hf_evaluate} in
 * {@code lm_eval/api/metrics.py}): each of {@code regexes_to_ignore} in turn is removed (every match,
 * Python's {@code re.sub(s, "", x)}) from both prediction and reference, then with {@code ignore_case} both
 * are lower-cased, with {@code ignore_punctuation} ASCII punctuation ({@code string.punctuation}) is deleted,
 * and the two strings must be equal. Nothing is stripped: whitespace counts.
 */
public record ExactMatch(List<String> regexesToIgnore, boolean ignoreCase, boolean ignorePunctuation)
        implements Serializable {
    /** lm-eval gsm8k.yaml's options (metadata version 3.0). */
    public static final ExactMatch GSM8K = new ExactMatch(List.of(",", "\\$", "(?s).*#### ", "\\.$"), true, false);

    private static final Pattern PUNCTUATION = Pattern.compile("[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~]");

    public ExactMatch {
        regexesToIgnore = List.copyOf(regexesToIgnore);
        regexesToIgnore.forEach(r -> RegexFilter.compile("regexes_to_ignore", r));
    }

    /** The string exact_match compares. */
    public String normalise(String s) {
        for (String regex : regexesToIgnore) {
            s = RegexFilter.compile("regexes_to_ignore", regex).matcher(s).replaceAll("");
        }
        if (ignoreCase) {
            s = s.toLowerCase(Locale.ROOT);
        }
        if (ignorePunctuation) {
            s = PUNCTUATION.matcher(s).replaceAll("");
        }
        return s;
    }

    public boolean matches(String prediction, String reference) {
        return normalise(prediction).equals(normalise(reference));
    }
}
