package dev.plt.model.inference;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token of one sequence from a row of logits: greedy (lowest id on a tie), or
 * temperature sampling restricted by top-k and top-p. One sampler per sequence, seeded, so results
 * are reproducible and independent of batching.
 */
public final class Sampler {
    private final GenerationParams params;
    private final SplittableRandom random;

    public Sampler(GenerationParams params) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
    }

    public int next(float[] logits, int off, int vocab) {
        if (params.isGreedy()) {
            return LogProbs.argmax(logits, off, vocab);
        }
        // Candidates in decreasing logit order, ties by lower id: a deterministic ranking.
        Integer[] order = new Integer[vocab];
        for (int i = 0; i < vocab; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int byLogit = Float.compare(logits[off + b], logits[off + a]);
            return byLogit != 0 ? byLogit : Integer.compare(a, b);
        });
        int kept = params.topK() > 0 ? Math.min(params.topK(), vocab) : vocab;
        double[] probabilities = new double[kept];
        double max = logits[off + order[0]] / params.temperature();
        double total = 0;
        for (int i = 0; i < kept; i++) {
            probabilities[i] = Math.exp(logits[off + order[i]] / params.temperature() - max);
            total += probabilities[i];
        }
        if (params.topP() < 1) {
            double cumulative = 0;
            int nucleus = kept;
            for (int i = 0; i < kept; i++) {
                cumulative += probabilities[i] / total;
                if (cumulative >= params.topP()) {
                    nucleus = i + 1;
                    break;
                }
            }
            kept = nucleus;
            total = 0;
            for (int i = 0; i < kept; i++) {
                total += probabilities[i];
            }
        }
        double u = random.nextDouble() * total;
        for (int i = 0; i < kept; i++) {
            u -= probabilities[i];
            if (u < 0) {
                return order[i];
            }
        }
        return order[kept - 1];
    }
}
