package dev.plt.jobs.evaluate;

import dev.plt.datasets.tasks.metrics.TaskResult;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An evaluation run: aggregated metrics, every sample's outcome, and how long it took. */
public record EvaluationResult(String task, String modelId, TaskResult metrics, List<SampleOutcome> samples,
        double seconds, long promptTokens, long completionTokens) {

    public long errors() {
        return samples.stream().filter(s -> s.error() != null).count();
    }

    /** Errors by {@code error_kind} code, in name order. */
    public Map<String, Long> errorsByKind() {
        Map<String, Long> counts = new TreeMap<>();
        samples.stream().filter(s -> s.error() != null).forEach(s -> counts.merge(s.errorKind(), 1L, Long::sum));
        return counts;
    }

    public double samplesPerSecond() {
        return samples.size() / seconds;
    }

    public double tokensPerSecond() {
        return (promptTokens + completionTokens) / seconds;
    }
}
