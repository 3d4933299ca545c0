package dev.plt.jobs.options;

/**
 * Range checks for numeric options, run before any work: the message names the option, the range and
 * the value given, so {@code --batch-size 0} fails in one line instead of deep inside a job.
 */
public final class OptionRanges {
    private OptionRanges() {
    }

    public static int atLeast(String option, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(option + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    public static long atLeast(String option, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(option + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    public static Integer atLeastIfGiven(String option, Integer value, int min) {
        return value == null ? null : atLeast(option, value, min);
    }

    public static int between(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    /** A finite double in [min, max], or (min, max] when {@code minExclusive}. */
    public static double between(String option, double value, double min, boolean minExclusive, double max) {
        boolean low = minExclusive ? value > min : value >= min;
        if (!Double.isFinite(value) || !low || value > max) {
            throw new IllegalArgumentException(option + " must be " + (minExclusive ? "greater than " : "between ")
                    + min + (minExclusive ? " and at most " : " and ") + max + ", got " + value);
        }
        return value;
    }
}
