package dev.plt.datasets.tasks.metrics;

import java.io.Serializable;
import java.util.Map;

/**
 * A task's aggregated scores.
 *
 * @param metrics   metric name to result, over all samples
 * @param bySubject subject to (metric name to result), sorted by subject; empty for tasks without subjects
 */
public record TaskResult(String task, long samples, Map<String, MetricResult> metrics,
        Map<String, Map<String, MetricResult>> bySubject) implements Serializable {
}
