package dev.plt.datasets.tasks.gsm8k;

import dev.plt.datasets.tasks.PythonRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * lm-eval's {@code default} few-shot sampler ({@code ContextSampler} in {@code lm_eval/api/samplers.py}):
 * one {@code random.Random(fewshot_seed)} per task (the evaluator's {@code set_fewshot_seed}, 1234 unless
 * {@code --fewshot_seed}), asked once per evaluated document, in document order, for
 * {@code rnd.sample(fewshot_docs, k)}; when the few-shot split is the evaluated split it draws k + 1 and drops
 * the document itself (every pool entry equal to it), keeping the first k. The examples are used in the order
 * drawn. Because the draws are sequential, a document's examples depend on how many documents came before it,
 * not on {@code --limit}: the first N prompts of a full run are those of a {@code --limit N} run.
 */
final class FewshotSampler<T> {
    private final List<T> pool;
    private final int k;
    private final boolean samePool;
    private final PythonRandom random;

    FewshotSampler(List<T> pool, int k, long seed, boolean samePool) {
        int available = pool.size() - (samePool ? 1 : 0);
        if (k > 0 && k > available) {
            throw new IllegalArgumentException("num_fewshot " + k + " exceeds the " + Math.max(available, 0)
                    + " available few-shot examples");
        }
        this.pool = List.copyOf(pool);
        this.k = k;
        this.samePool = samePool;
        this.random = new PythonRandom(seed);
    }

    /** The examples for the next document, {@code doc}; call once per document, in document order. */
    List<T> next(T doc) {
        if (k == 0) {
            return List.of(); // lm-eval builds no few-shot context and draws nothing
        }
        List<T> chosen = new ArrayList<>(k);
        for (int index : random.sample(pool.size(), samePool ? k + 1 : k)) {
            T example = pool.get(index);
            if (!samePool || !example.equals(doc)) {
                chosen.add(example);
            }
        }
        return chosen.size() > k ? chosen.subList(0, k) : chosen;
    }
}
