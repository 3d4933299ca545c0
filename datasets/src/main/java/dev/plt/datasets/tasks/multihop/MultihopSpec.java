package dev.plt.datasets.tasks.multihop;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * What to generate: {@code n} problems of {@code hops} lookups for split {@code split} from
 * {@code seed}, each with {@code chains} variable chains (one answers the question, the others are
 * distractors).
 */
public record MultihopSpec(long seed, String split, int n, int hops, int chains) implements Serializable {
    /** Splits, with the share of problem space each owns (see {@link MultihopGenerator}). */
    public static final List<String> SPLITS = List.of("train", "validation", "test");

    public MultihopSpec {
        split = split.toLowerCase(Locale.ROOT);
        if (!SPLITS.contains(split)) {
            throw new IllegalArgumentException("multihop split must be one of " + SPLITS + ", got '" + split + "'");
        }
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        if (hops < 1) {
            throw new IllegalArgumentException("hops must be >= 1, got " + hops);
        }
        if (chains < 1 || chains > 10) {
            throw new IllegalArgumentException("chains must be 1..10 (one answer digit each), got " + chains);
        }
        if (hops * chains > 26 * 26) {
            throw new IllegalArgumentException("hops x chains = " + hops * chains + " exceeds the 676 variable names");
        }
    }
}
