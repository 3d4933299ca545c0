package dev.plt.datasets.tasks.metrics;

import java.io.Serializable;

/**
 * A running aggregate of one metric that can be merged, so partial results from Spark partitions
 * combine in any order. The mean uses Welford's update and Chan's merge: naive sum-of-squares loses
 * precision on long runs of similar values.
 */
public final class MetricAccumulator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Aggregation aggregation;
    private long count;
    private double mean;
    private double m2;
    private double sumValue;
    private double sumWeight;

    public MetricAccumulator(Aggregation aggregation) {
        this.aggregation = aggregation;
    }

    public Aggregation aggregation() {
        return aggregation;
    }

    public void add(MetricValue v) {
        count++;
        double delta = v.value() - mean;
        mean += delta / count;
        m2 += delta * (v.value() - mean);
        sumValue += v.value();
        sumWeight += v.weight();
    }

    /** Folds {@code other} (of the same aggregation) into this one. */
    public void merge(MetricAccumulator other) {
        if (other.aggregation != aggregation) {
            throw new IllegalArgumentException("cannot merge " + other.aggregation + " into " + aggregation);
        }
        if (other.count == 0) {
            return;
        }
        long total = count + other.count;
        double delta = other.mean - mean;
        m2 += other.m2 + delta * delta * ((double) count * other.count / total);
        mean += delta * other.count / total;
        count = total;
        sumValue += other.sumValue;
        sumWeight += other.sumWeight;
    }

    public MetricResult result() {
        return switch (aggregation) {
            case MEAN -> new MetricResult(count == 0 ? Double.NaN : mean, meanStderr(), count);
            case PERPLEXITY -> new MetricResult(Math.exp(-sumValue / sumWeight), Double.NaN, count);
            case BITS_PER_BYTE -> new MetricResult(-sumValue / (sumWeight * Math.log(2)), Double.NaN, count);
        };
    }

    /** lm-eval's {@code mean_stderr}: sample standard deviation (n-1) / sqrt(n); undefined below two samples. */
    private double meanStderr() {
        if (count < 2) {
            return Double.NaN;
        }
        return Math.sqrt(m2 / (count - 1)) / Math.sqrt(count);
    }
}
