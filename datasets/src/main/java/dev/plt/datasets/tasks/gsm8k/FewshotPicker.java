package dev.plt.datasets.tasks.gsm8k;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Chooses k distinct few-shot indices for each evaluated document. Seeded per document, from
 * (seed, document index), so a document's examples do not depend on which other documents are
 * evaluated (a --limit run sees the same prompts as a full one). The choice is deterministic but not
 * the one lm-eval makes: Python's {@code random.Random(1234).sample} is not reproduced.
 */
public final class FewshotPicker {
    private FewshotPicker() {
    }

    /**
     * @param poolSize  number of candidate examples
     * @param excluded  an index never to pick (the document itself when it is in the pool), or -1
     */
    public static int[] pick(long seed, int document, int k, int poolSize, int excluded) {
        int available = poolSize - (excluded >= 0 && excluded < poolSize ? 1 : 0);
        if (k > available) {
            throw new IllegalArgumentException("num_fewshot " + k + " exceeds the " + available
                    + " available few-shot examples");
        }
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + document);
        int[] chosen = new int[k];
        Set<Integer> taken = new HashSet<>();
        for (int i = 0; i < k; i++) {
            int candidate;
            do {
                candidate = random.nextInt(poolSize);
            } while (candidate == excluded || !taken.add(candidate));
            chosen[i] = candidate;
        }
        return chosen;
    }
}
