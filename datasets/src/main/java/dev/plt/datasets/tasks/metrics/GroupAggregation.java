package dev.plt.datasets.tasks.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Group scores from subtask scores as lm-eval computes them ({@code aggregate_subtask_metrics} and
 * {@code pooled_sample_stderr} in its {@code api/metrics.py}): the value is the mean of the members' values
 * weighted by their sizes, the stderr the pooled one
 * <pre>
 *   sqrt( sum_i (n_i - 1) n_i se_i^2 / (N - k) / N ),   N = sum_i n_i, k = members
 * </pre>
 * and a group of groups takes its members' aggregated values and sizes, as lm-eval's {@code mmlu} does from
 * its four categories. Only {@link Aggregation#MEAN} metrics are grouped.
 */
public final class GroupAggregation {
    private GroupAggregation() {
    }

    /**
     * Each group's metrics, in the order given; a member that is neither a subject of {@code result} nor an
     * earlier group is left out (a run on some subjects only), and a group left with no member is omitted.
     */
    public static Map<String, Map<String, MetricResult>> aggregate(TaskResult result, Map<String, Aggregation> metrics,
            List<TaskGroup> groups) {
        Map<String, Map<String, MetricResult>> known = new LinkedHashMap<>(result.bySubject());
        Map<String, Map<String, MetricResult>> out = new LinkedHashMap<>();
        for (TaskGroup group : groups) {
            List<Map<String, MetricResult>> members = new ArrayList<>();
            for (String member : group.members()) {
                if (known.containsKey(member)) {
                    members.add(known.get(member));
                }
            }
            if (members.isEmpty()) {
                continue;
            }
            Map<String, MetricResult> aggregated = new LinkedHashMap<>();
            metrics.forEach((name, aggregation) -> {
                if (aggregation == Aggregation.MEAN) {
                    aggregated.put(name, pooled(members.stream().map(m -> m.get(name)).toList()));
                }
            });
            known.put(group.name(), aggregated);
            out.put(group.name(), aggregated);
        }
        return out;
    }

    /** The size-weighted mean and pooled stderr of {@code parts}; NaN stderr where a part has none. */
    public static MetricResult pooled(List<MetricResult> parts) {
        long total = 0;
        double weighted = 0;
        double pooledVariance = 0;
        for (MetricResult p : parts) {
            total += p.count();
            weighted += p.value() * p.count();
            pooledVariance += (p.count() - 1) * p.stderr() * p.stderr() * p.count();
        }
        double value = weighted / total;
        double stderr = total - parts.size() <= 0 ? Double.NaN
                : Math.sqrt(pooledVariance / (total - parts.size()) / total);
        return new MetricResult(value, stderr, total);
    }
}
