package dev.plt.trainer.data;

import java.util.ArrayList;
import java.util.List;

/** Packs per-window arrays into batches of at most {@code rows} windows. */
final class Batches {
    private Batches() {
    }

    static List<Batch> group(List<long[]> inputs, List<long[]> targets, List<float[]> weights, int rows, int length) {
        List<Batch> batches = new ArrayList<>();
        for (int first = 0; first < inputs.size(); first += rows) {
            int n = Math.min(rows, inputs.size() - first);
            long[] in = new long[n * length];
            long[] out = new long[n * length];
            float[] w = new float[n * length];
            for (int r = 0; r < n; r++) {
                System.arraycopy(inputs.get(first + r), 0, in, r * length, length);
                System.arraycopy(targets.get(first + r), 0, out, r * length, length);
                System.arraycopy(weights.get(first + r), 0, w, r * length, length);
            }
            batches.add(new Batch(n, length, in, out, w));
        }
        return batches;
    }
}
