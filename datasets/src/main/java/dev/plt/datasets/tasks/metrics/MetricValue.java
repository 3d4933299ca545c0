package dev.plt.datasets.tasks.metrics;

import java.io.Serializable;

/**
 * One sample's contribution to a metric. For {@link Aggregation#MEAN} only {@code value} counts (0/1
 * for accuracy); the perplexities carry a log-likelihood as {@code value} and the words or bytes it
 * covers as {@code weight}, because they are ratios of sums, not means of ratios.
 */
public record MetricValue(double value, double weight) implements Serializable {

    public static MetricValue of(double value) {
        return new MetricValue(value, 1.0);
    }

    public static MetricValue of(boolean hit) {
        return new MetricValue(hit ? 1.0 : 0.0, 1.0);
    }
}
