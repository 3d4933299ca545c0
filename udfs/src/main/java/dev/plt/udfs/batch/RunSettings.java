package dev.plt.udfs.batch;

import dev.plt.udfs.registry.ModelKey;
import java.io.Serializable;

/**
 * Everything a partition needs, shipped in the task closure (small and serializable; the model
 * itself is never shipped, each executor loads it once through the registry).
 *
 * @param model    the model and the engine options it is loaded with (threads resolved)
 * @param modelId  written to every output row
 * @param settings the job's engine settings, as given
 */
public record RunSettings(ModelKey model, String modelId, EngineSettings settings) implements Serializable {
    public int maxBatchRows() {
        return settings.batchSize();
    }

    public long maxBatchTokens() {
        return settings.maxBatchTokens();
    }

    public int sortWindow() {
        return settings.sortWindow();
    }

    public long kvBudgetBytes() {
        return settings.kvBudgetBytes();
    }
}
