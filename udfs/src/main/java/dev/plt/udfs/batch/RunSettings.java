package dev.plt.udfs.batch;

import dev.plt.udfs.registry.ModelKey;
import java.io.Serializable;

/**
 * Everything a partition needs, shipped in the task closure (small and serializable; the model
 * itself is never shipped, each executor loads it once through the registry).
 *
 * @param sortWindow rows read ahead and sorted by length before batching (bounds memory)
 */
public record RunSettings(ModelKey model, String modelId, int maxBatchRows, long maxBatchTokens, int sortWindow)
        implements Serializable {
    public RunSettings {
        if (maxBatchRows < 1 || maxBatchTokens < 1 || sortWindow < 1) {
            throw new IllegalArgumentException("batch size, batch tokens and sort window must be >= 1");
        }
    }
}
