package dev.plt.datasets.tasks.metrics;

/**
 * How per-sample {@link MetricValue}s become one number, as lm-eval's aggregation functions.
 */
public enum Aggregation {
    /** Mean of the values; stderr = sample standard deviation (n-1) / sqrt(n) ({@code mean}, {@code mean_stderr}). */
    MEAN,
    /** exp(-sum(value) / sum(weight)) over (log-likelihood, word or byte count) pairs ({@code weighted_perplexity}). */
    PERPLEXITY,
    /** -sum(value) / (sum(weight) * ln 2) over (log-likelihood, byte count) pairs ({@code bits_per_byte}). */
    BITS_PER_BYTE
}
