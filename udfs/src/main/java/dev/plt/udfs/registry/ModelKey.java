package dev.plt.udfs.registry;

import dev.plt.model.inference.EngineOptions;
import java.io.Serializable;

/**
 * What identifies a loaded model in an executor: the directory and the engine options it runs with.
 * Two tasks with equal keys share one engine.
 */
public record ModelKey(String modelPath, EngineOptions engineOptions) implements Serializable {
    public String backend() {
        return engineOptions.backend();
    }

    public int threads() {
        return engineOptions.threads();
    }
}
