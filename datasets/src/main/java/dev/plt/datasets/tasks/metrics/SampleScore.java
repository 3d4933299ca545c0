package dev.plt.datasets.tasks.metrics;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * The scored answer to one sample: each metric's contribution, and the prediction in words for a report
 * (the chosen letter, the extracted number).
 *
 * @param subject the sample's subject, or null; scores with a subject also count in its breakdown
 */
public record SampleScore(String sampleId, String subject, Map<String, MetricValue> metrics, String prediction)
        implements Serializable {

    public SampleScore {
        // A TreeMap keeps report columns in a stable order and is serializable.
        metrics = java.util.Collections.unmodifiableMap(new TreeMap<>(metrics));
    }
}
