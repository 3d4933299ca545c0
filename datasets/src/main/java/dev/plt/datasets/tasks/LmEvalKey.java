package dev.plt.datasets.tasks;

import java.io.Serializable;

/**
 * How lm-eval names one of a task's metrics in its output files: the metric and the filter its answers went
 * through, {@code "exact_match,strict-match"} in {@code results_*.json} (and {@code "exact_match_stderr,
 * strict-match"}), {@code "exact_match"} on a samples line whose {@code filter} is {@code strict-match}.
 */
public record LmEvalKey(String metric, String filter) implements Serializable {
    /** lm-eval's filter of a task that declares none: take the first answer of each request. */
    public static final String NO_FILTER = "none";

    public String key() {
        return metric + "," + filter;
    }

    public String stderrKey() {
        return metric + "_stderr," + filter;
    }
}
