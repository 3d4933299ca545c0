package dev.plt.datasets.tasks;

import dev.plt.datasets.tasks.metrics.Aggregation;
import dev.plt.datasets.tasks.metrics.SampleScore;
import dev.plt.datasets.tasks.metrics.TaskAccumulator;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A benchmark as lm-eval defines one: samples with requests, and how answers are scored. Built by
 * {@link dev.plt.datasets.tasks.registry.TaskRegistry} from {@code conf/tasks/*.yaml}.
 *
 * <p>Typical use by an evaluation job: {@link #samples()} on the driver; the engine answers every
 * request; {@link #score} per sample (on executors is fine); a {@link #newAccumulator()} folds the
 * scores into a {@link dev.plt.datasets.tasks.metrics.TaskResult}.
 *
 * @param requestType the kind of every request this task makes
 */
public record Task(String name, RequestType requestType, SampleSource source, SampleScorer scorer)
        implements Serializable {

    public Task {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(requestType, "requestType");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(scorer, "scorer");
    }

    public List<Sample> samples() {
        return source.load();
    }

    public SampleScore score(Sample sample, List<Response> responses) {
        return scorer.score(sample, responses);
    }

    public Map<String, Aggregation> metrics() {
        return scorer.metrics();
    }

    public TaskAccumulator newAccumulator() {
        return new TaskAccumulator(name, metrics(), source.groups());
    }
}
