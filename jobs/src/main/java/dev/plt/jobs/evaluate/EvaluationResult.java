package dev.plt.jobs.evaluate;

import dev.plt.datasets.tasks.metrics.TaskResult;
import java.util.List;

/** An evaluation run: aggregated metrics, every sample's outcome, and how long it took. */
public record EvaluationResult(String task, String modelId, TaskResult metrics, List<SampleOutcome> samples,
        double seconds, long promptTokens, long completionTokens) {

    public long errors() {
        return samples.stream().filter(s -> s.error() != null).count();
    }

    public double samplesPerSecond() {
        return samples.size() / seconds;
    }

    public double tokensPerSecond() {
        return (promptTokens + completionTokens) / seconds;
    }
}
