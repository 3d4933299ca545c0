package dev.plt.jobs.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plt.datasets.tasks.metrics.MetricResult;
import java.io.IOException;
import java.util.Map;

/**
 * {@code metrics.json}: the task, n, errors (and errors_by_kind, by error_kind code), each metric with its stderr, per subject where the task
 * has subjects, and throughput.
 */
public final class MetricsJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MetricsJson() {
    }

    public static ObjectNode toJson(EvaluationResult result, Map<String, Object> settings) {
        ObjectNode root = JSON.createObjectNode();
        root.put("task", result.task());
        root.put("model_id", result.modelId());
        root.put("n", result.metrics().samples());
        root.put("errors", result.errors());
        ObjectNode byKind = root.putObject("errors_by_kind");
        result.errorsByKind().forEach(byKind::put);
        metrics(root.putObject("metrics"), result.metrics().metrics());
        if (!result.metrics().bySubject().isEmpty()) {
            ObjectNode subjects = root.putObject("subjects");
            result.metrics().bySubject().forEach((subject, metrics) -> metrics(subjects.putObject(subject), metrics));
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
