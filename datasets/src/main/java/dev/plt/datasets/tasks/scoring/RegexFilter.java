package dev.plt.datasets.tasks.scoring;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * lm-eval's {@code regex} filter ({@code lm_eval/filters/extraction.py}, {@code RegexFilter}) followed by
 * {@code take_first}: all matches as Python's {@code re.findall} lists them (the whole match when the pattern
 * has no group, the one group's text when it has one, the tuple of all groups' texts, unmatched ones empty,
 * when it has several); the match at {@code group_select} (Python indexing: 0 the first, -1 the last); of a
 * tuple its first non-empty group, or the fallback when all are empty; stripped. No match: the fallback,
 * lm-eval's {@code "[invalid]"}. Patterns are compiled with {@link Pattern#UNIX_LINES} so that {@code .}
 * and {@code $} treat only {@code \n} as a line end, as Python's {@code re} does.
 *
 * @param name        lm-eval's filter name, e.g. {@code strict-match}
 * @param groupSelect which match: 0 the first, -1 the last, as a Python index
 */
public record RegexFilter(String name, String regex, int groupSelect, String fallback) implements Serializable {
    public static final String FALLBACK = "[invalid]";

    public RegexFilter {
        compile("regex_pattern of filter " + name, regex); // a bad pattern fails when the task is built
    }

    public RegexFilter(String name, String regex, int groupSelect) {
        this(name, regex, groupSelect, FALLBACK);
    }

    /** The filtered answer of one response. */
    public String apply(String response) {
        Matcher m = compile("regex_pattern of filter " + name, regex).matcher(response);
        List<String> matches = new ArrayList<>();
        while (m.find()) {
            matches.add(findallItem(m));
        }
        if (matches.isEmpty()) {
            return fallback;
        }
        int index = groupSelect < 0 ? matches.size() + groupSelect : groupSelect;
        if (index < 0 || index >= matches.size()) {
            // Python raises IndexError here; lm-eval would stop the run, plt names the cause.
            throw new IllegalArgumentException("filter " + name + ": group_select " + groupSelect + " but only "
                    + matches.size() + " match(es) of " + regex);
        }
        String match = matches.get(index);
        return match == null ? fallback : match.strip();
    }

    /** One item of findall: whole match, the single group, or (tuple) the first non-empty group or null. */
    private static String findallItem(Matcher m) {
        int groups = m.groupCount();
        if (groups == 0) {
            return m.group();
        }
        if (groups == 1) {
            return m.group(1) == null ? "" : m.group(1);
        }
        for (int g = 1; g <= groups; g++) {
            if (m.group(g) != null && !m.group(g).isEmpty()) {
                return m.group(g);
            }
        }
        return null;
    }

    /** A Python regular expression as Java compiles it, or a one-line error naming the option. */
    static Pattern compile(String option, String regex) {
        try {
            return Pattern.compile(regex, Pattern.UNIX_LINES);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("option " + option + "=" + regex + ": expected a regular expression ("
                    + e.getDescription() + " near index " + e.getIndex() + ")", e);
        }
    }
}
