package dev.plt.udfs.batch;

import dev.plt.udfs.registry.ModelKey;
import java.io.Serializable;

/**
 * Everything a partition needs, shipped in the task closure (small and serializable; the model
 * itself is never shipped, each executor loads it once through the registry).
 *
 * @param sortWindow    rows read ahead and sorted by length before batching (bounds memory)
 * @param kvBudgetBytes KV-cache bytes per executor JVM, split between its task slots; 0: the
 *                      default share of the executor's heap (see {@link KvBudget})
 */
public record RunSettings(ModelKey model, String modelId, int maxBatchRows, long maxBatchTokens, int sortWindow,
        long kvBudgetBytes) implements Serializable {
    public RunSettings {
        if (maxBatchRows < 1 || maxBatchTokens < 1 || sortWindow < 1) {
            throw new IllegalArgumentException("batch size, batch tokens and sort window must be >= 1");
        }
        if (kvBudgetBytes < 0) {
            throw new IllegalArgumentException("KV budget must be >= 0 (0: the default), got " + kvBudgetBytes);
        }
    }
}
