package dev.plt.datasets.tasks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --limit} as lm-eval applies it: a whole number N takes the first N documents, a fraction f in (0, 1)
 * the first ceil(f x documents), counted per task and, for a task made of subtasks (MMLU's subjects), per
 * subtask, as lm-eval limits each subtask of a group on its own ({@code get_sample_size} in its evaluator).
 *
 * @param value the limit as given: a fraction below 1, else a whole number
 */
public record SampleLimit(double value) {

    public SampleLimit {
        if (!(value > 0) || Double.isInfinite(value) || (value >= 1 && value != Math.rint(value))) {
            throw new IllegalArgumentException("must be a whole number >= 1 or a fraction between 0 and 1, got "
                    + format(value));
        }
    }

    /** Parses {@code --limit}'s text: {@code 10} or {@code 0.1}. */
    public static SampleLimit parse(String text) {
        double v;
        try {
            v = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a whole number >= 1 or a fraction between 0 and 1, got '"
                    + text + "'");
        }
        return new SampleLimit(v);
    }

    public boolean isFraction() {
        return value < 1;
    }

    /** The limit as lm-eval records it in its results' config: an integer, or the fraction. */
    public Number asNumber() {
        return isFraction() ? (Number) value : (Number) (long) value;
    }

    /** How many of {@code documents} documents are evaluated. */
    public int count(int documents) {
        long n = isFraction() ? (long) Math.ceil(value * documents) : (long) value;
        return (int) Math.min(n, documents);
    }

    /**
     * The first {@link #count} samples of each subject (samples without a subject form one group), in their
     * original order.
     */
    public List<Sample> apply(List<Sample> samples) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (Sample s : samples) {
            sizes.merge(key(s), 1, Integer::sum);
        }
        Map<String, Integer> taken = new LinkedHashMap<>();
        List<Sample> kept = new ArrayList<>();
        for (Sample s : samples) {
            String k = key(s);
            int already = taken.getOrDefault(k, 0);
            if (already < count(sizes.get(k))) {
                kept.add(s);
                taken.put(k, already + 1);
            }
        }
        return kept;
    }

    @Override
    public String toString() {
        return format(value);
    }

    private static String key(Sample s) {
        return s.subject() == null ? "" : "subject:" + s.subject();
    }

    private static String format(double v) {
        return v == Math.rint(v) && !Double.isInfinite(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
