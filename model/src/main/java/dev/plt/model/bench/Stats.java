package dev.plt.model.bench;

import java.util.Arrays;

/** Order statistics of repeated timings: the machines are noisy, so the bench reports medians. */
public record Stats(int count, double median, double min, double max) {

    public static Stats of(double[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Stats(n, median, sorted[0], sorted[n - 1]);
    }
}
