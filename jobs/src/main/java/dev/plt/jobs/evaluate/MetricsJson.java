package dev.plt.jobs.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plt.datasets.tasks.metrics.MetricResult;
import java.io.IOException;
import java.util.Map;

/**
 * {@code metrics.json}: the task, n, errors (and errors_by_kind, by error_kind code), each metric with its stderr
 * ({@code metrics}: the headline numbers; for MMLU lm-eval's {@code mmlu} group, whose plain mean over samples is
 * {@code metrics_plain_mean_over_samples}), per subject where the task has subjects, lm-eval's groups over the subjects ({@code groups}: MMLU's categories and {@code mmlu}), the data's
 * row counts ({@code data}: {@code rows} in the split, {@code evaluated} after {@code --limit}), and throughput.
 */
public final class MetricsJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MetricsJson() {
    }

    public static ObjectNode toJson(EvaluationResult result, Map<String, Object> settings) {
        return toJson(result, Map.of(), null, settings);
    }

    /**
     * With lm-eval's groups over the task's subjects ({@code groups}: name to metrics, e.g. {@code mmlu_stem}) and
     * the data snapshot's row counts ({@code data}: rows in the split and rows evaluated, per subject too).
     */
    public static ObjectNode toJson(EvaluationResult result, Map<String, Map<String, MetricResult>> groups,
            DataRows rows, Map<String, Object> settings) {
        ObjectNode root = JSON.createObjectNode();
        root.put("task", result.task());
        root.put("model_id", result.modelId());
        root.put("n", result.metrics().samples());
        root.put("errors", result.errors());
        ObjectNode byKind = root.putObject("errors_by_kind");
        result.errorsByKind().forEach(byKind::put);
        metrics(root.putObject("metrics"), result.metrics().metrics());
        if (!result.metrics().sampleMean().isEmpty()) {
            // Not what lm-eval reports: kept for comparison with plt's earlier numbers, under a name that says so.
            metrics(root.putObject("metrics_plain_mean_over_samples"), result.metrics().sampleMean());
        }
        if (!result.metrics().bySubject().isEmpty()) {
            ObjectNode subjects = root.putObject("subjects");
            result.metrics().bySubject().forEach((subject, metrics) -> metrics(subjects.putObject(subject), metrics));
        }
        if (!groups.isEmpty()) {
            ObjectNode groupsNode = root.putObject("groups");
            groups.forEach((group, metrics) -> metrics(groupsNode.putObject(group), metrics));
        }
        if (rows != null) {
            ObjectNode data = root.putObject("data");
            data.put("rows", rows.rows());
            data.put("evaluated", rows.evaluated());
            if (!rows.bySubject().isEmpty()) {
                ObjectNode subjects = data.putObject("subjects");
                rows.bySubject().forEach((subject, counts) -> {
                    ObjectNode s = subjects.putObject(subject);
                    s.put("rows", counts[0]);
                    s.put("evaluated", counts[1]);
                });
            }
        }
        ObjectNode throughput = root.putObject("throughput");
        throughput.put("seconds", result.seconds());
        throughput.put("samples_per_second", result.samplesPerSecond());
        throughput.put("tokens_per_second", result.tokensPerSecond());
        throughput.put("prompt_tokens", result.promptTokens());
        throughput.put("completion_tokens", result.completionTokens());
        root.set("settings", JSON.valueToTree(settings));
        return root;
    }

    private static void metrics(ObjectNode node, Map<String, MetricResult> metrics) {
        metrics.forEach((name, m) -> {
            ObjectNode metric = node.putObject(name);
            metric.put("value", m.value());
            if (Double.isFinite(m.stderr())) {
                metric.put("stderr", m.stderr());
            } else {
                metric.putNull("stderr"); // JSON has no NaN; perplexities have no per-sample stderr
            }
            metric.put("n", m.count());
        });
    }

    public static byte[] bytes(ObjectNode json) throws IOException {
        return JSON.writeValueAsBytes(json);
    }
}
