package dev.plt.datasets.tasks.metrics;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Aggregates {@link SampleScore}s into a {@link TaskResult}: every metric over all samples and, for samples
 * with a subject, per subject; for a task with lm-eval groups over its subjects (MMLU), the headline of each
 * mean metric is the outermost group's aggregate (lm-eval's {@code mmlu} line: size-weighted mean, pooled
 * stderr), with the plain mean over samples kept beside it as {@link TaskResult#sampleMean()}. Mergeable, so
 * it can run as a Spark {@code aggregate(zero, add, merge)}.
 */
public final class TaskAccumulator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String task;
    private final Map<String, Aggregation> metrics;
    private final Map<String, MetricAccumulator> overall;
    private final Map<String, Map<String, MetricAccumulator>> bySubject = new TreeMap<>();
    private final List<TaskGroup> groups;
    private long samples;

    public TaskAccumulator(String task, Map<String, Aggregation> metrics) {
        this(task, metrics, List.of());
    }

    /** @param groups lm-eval's groups over the subjects, members first (the source's {@code groups()}) */
    public TaskAccumulator(String task, Map<String, Aggregation> metrics, List<TaskGroup> groups) {
        this.task = task;
        this.metrics = new LinkedHashMap<>(metrics);
        this.overall = fresh();
        this.groups = new ArrayList<>(groups);
    }

    public TaskAccumulator add(SampleScore score) {
        samples++;
        addTo(overall, score);
        if (score.subject() != null) {
            addTo(bySubject.computeIfAbsent(score.subject(), s -> fresh()), score);
        }
        return this;
    }

    public TaskAccumulator merge(TaskAccumulator other) {
        if (!other.metrics.equals(metrics)) {
            throw new IllegalArgumentException("cannot merge accumulators of different metrics: "
                    + other.metrics.keySet() + " vs " + metrics.keySet());
        }
        samples += other.samples;
        mergeInto(overall, other.overall);
        other.bySubject.forEach((subject, accs) -> mergeInto(bySubject.computeIfAbsent(subject, s -> fresh()), accs));
        return this;
    }

    public TaskResult result() {
        Map<String, Map<String, MetricResult>> subjects = new TreeMap<>();
        bySubject.forEach((subject, accs) -> subjects.put(subject, results(accs)));
        Map<String, MetricResult> plain = results(overall);
        TaskResult byMeans = new TaskResult(task, samples, plain, subjects);
        if (groups.isEmpty()) {
            return byMeans;
        }
        Map<String, MetricResult> root = GroupAggregation.aggregate(byMeans, metrics, groups)
                .get(groups.get(groups.size() - 1).name());
        if (root == null || root.isEmpty()) {
            return byMeans; // no subject of any group was scored
        }
        Map<String, MetricResult> headline = new LinkedHashMap<>(plain);
        Map<String, MetricResult> sampleMean = new LinkedHashMap<>();
        root.forEach((name, grouped) -> {
            sampleMean.put(name, plain.get(name));
            headline.put(name, grouped);
        });
        return new TaskResult(task, samples, headline, subjects, sampleMean);
    }

    private void addTo(Map<String, MetricAccumulator> accs, SampleScore score) {
        for (Map.Entry<String, MetricAccumulator> e : accs.entrySet()) {
            MetricValue v = score.metrics().get(e.getKey());
            if (v == null) {
                throw new IllegalArgumentException("sample " + score.sampleId() + " has no value for metric "
                        + e.getKey() + " (it has " + score.metrics().keySet() + ")");
            }
            e.getValue().add(v);
        }
    }

    private static void mergeInto(Map<String, MetricAccumulator> into, Map<String, MetricAccumulator> from) {
        from.forEach((name, acc) -> into.get(name).merge(acc));
    }

    private Map<String, MetricAccumulator> fresh() {
        Map<String, MetricAccumulator> accs = new LinkedHashMap<>();
        metrics.forEach((name, aggregation) -> accs.put(name, new MetricAccumulator(aggregation)));
        return accs;
    }

    private static Map<String, MetricResult> results(Map<String, MetricAccumulator> accs) {
        Map<String, MetricResult> out = new LinkedHashMap<>();
        accs.forEach((name, acc) -> out.put(name, acc.result()));
        return out;
    }
}
