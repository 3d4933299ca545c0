package dev.plt.datasets.tasks.metrics;

import java.io.Serializable;
import java.util.Map;

/**
 * A task's aggregated scores.
 *
 * @param metrics    metric name to result, the task's headline numbers: over all samples, except for a task
 *                   whose subjects lm-eval groups (MMLU), where a mean metric is lm-eval's outermost group
 *                   ({@code mmlu}: size-weighted mean, pooled stderr; {@link GroupAggregation}), the number
 *                   lm-eval users compare with
 * @param bySubject  subject to (metric name to result), sorted by subject; empty for tasks without subjects
 * @param sampleMean the plain mean over all samples of each metric whose headline is a group's instead; empty
 *                   for other tasks
 */
public record TaskResult(String task, long samples, Map<String, MetricResult> metrics,
        Map<String, Map<String, MetricResult>> bySubject, Map<String, MetricResult> sampleMean)
        implements Serializable {

    public TaskResult {
        sampleMean = sampleMean == null ? Map.of() : sampleMean;
    }

    /** A result whose headline numbers are the plain means over samples. */
    public TaskResult(String task, long samples, Map<String, MetricResult> metrics,
            Map<String, Map<String, MetricResult>> bySubject) {
        this(task, samples, metrics, bySubject, Map.of());
    }
}
