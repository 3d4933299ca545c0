package dev.plt.datasets.tasks.metrics;

import java.io.Serializable;

/** An aggregated metric: its value, its standard error (NaN where lm-eval reports none) and the sample count. */
public record MetricResult(double value, double stderr, long count) implements Serializable {
}
