package dev.plt.model.bench;

import dev.plt.model.engine.ForwardPath;
import dev.plt.model.engine.ForwardPath.Sequence;
import java.util.List;
import java.util.SplittableRandom;

/** Prefill speed: one prompt of random tokens appended to a fresh sequence, batch 1, timed end to end. */
public final class PrefillThroughput {
    /** @param sequence the prefilled sequence, so callers can keep filling it (KV bytes at longer lengths) */
    public record Timing(int tokens, double seconds, Sequence sequence) {
        public double tokensPerSecond() {
            return tokens / seconds;
        }
    }

    private PrefillThroughput() {
    }

    public static Timing measure(ForwardPath path, int tokens, long seed) {
        int[] prompt = new SplittableRandom(seed).ints(tokens, 0, path.config().vocabSize()).toArray();
        Sequence sequence = path.start();
        long start = System.nanoTime();
        path.append(List.of(sequence), List.of(prompt), false, (s, position, logits, off) -> { });
        return new Timing(tokens, (System.nanoTime() - start) / 1e9, sequence);
    }
}
