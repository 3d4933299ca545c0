package dev.plt.udfs.registry;

import dev.plt.model.inference.EngineOptions;
import java.io.Serializable;

/**
 * What identifies a loaded model in an executor: the directory and every setting that changes how it
 * runs. Two tasks with equal keys share one engine.
 */
public record ModelKey(String modelPath, int threads, String backend, String path, int prefillChunk)
        implements Serializable {

    public EngineOptions engineOptions() {
        return new EngineOptions(threads, backend, path, prefillChunk, false);
    }
}
