package dev.plt.model.bench;

import dev.plt.model.engine.ForwardPath;
import dev.plt.model.engine.ForwardPath.Sequence;
import dev.plt.model.inference.LogProbs;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Per-token decode latency: the time of one decode step (one new token for each of B sequences, chosen
 * greedily from the step's logits), median over timed steps after warm-up steps. For PLT a step is one
 * pass of B x L rows; for a vanilla loop it is L passes of B rows.
 */
public final class DecodeLatency {
    /** Step times at one batch size, in milliseconds. */
    public record Timing(int batch, Stats stepMs) {
        public double tokensPerSecond() {
            return batch * 1000.0 / stepMs.median();
        }
    }

    private DecodeLatency() {
    }

    /**
     * Prefills as many sequences as the largest batch (random prompts of {@code promptTokens}), then for
     * each batch size B decodes on the first B of them: {@code warmup} untimed steps, {@code steps} timed.
     * The sequences are shared between batch sizes, so their contexts differ by a few tokens only.
     */
    public static List<Timing> measure(ForwardPath path, List<Integer> batches, int promptTokens, int warmup,
            int steps, long seed) {
        int vocab = path.config().vocabSize();
        int largest = batches.stream().mapToInt(Integer::intValue).max().orElseThrow();
        SplittableRandom random = new SplittableRandom(seed);
        List<Sequence> sequences = new ArrayList<>();
        List<int[]> prompts = new ArrayList<>();
        for (int s = 0; s < largest; s++) {
            sequences.add(path.start());
            prompts.add(random.ints(promptTokens, 0, vocab).toArray());
        }
        int[] next = new int[largest];
        path.append(sequences, prompts, false, (s, position, logits, off) -> next[s] = LogProbs.argmax(logits, off, vocab));

        List<Timing> timings = new ArrayList<>();
        for (int batch : batches) {
            List<Sequence> active = sequences.subList(0, batch);
            double[] ms = new double[steps];
            for (int step = 0; step < warmup + steps; step++) {
                List<int[]> tokens = new ArrayList<>(batch);
                for (int s = 0; s < batch; s++) {
                    tokens.add(new int[] {next[s]});
                }
                long start = System.nanoTime();
                path.append(active, tokens, false, (s, position, logits, off) -> next[s] = LogProbs.argmax(logits, off, vocab));
                if (step >= warmup) {
                    ms[step - warmup] = (System.nanoTime() - start) / 1e6;
                }
            }
            timings.add(new Timing(batch, Stats.of(ms)));
        }
        return timings;
    }
}
