package dev.plt.model.engine;

import dev.plt.model.config.ModelConfig;
import dev.plt.model.weights.ModelWeights;

/**
 * A forward path that lives in an optional module, found with {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/dev.plt.model.engine.ForwardPathProvider} entry): the GPU backend of plt-cuda
 * is one. The model module never links against such a module; {@link ForwardPathProviders} picks the
 * provider that serves the backend value a user asked for.
 */
public interface ForwardPathProvider {
    /** Whether this provider runs the backend value (as given to {@code --backend}, e.g. "cuda:1"). */
    boolean serves(String backend);

    /**
     * Opens the path for a loaded model. Where it cannot run here it throws an IllegalArgumentException
     * whose message is the reason, in one line.
     */
    Opened open(ModelConfig config, ModelWeights weights, String backend, int prefillChunk);

    /** An opened path and the backend's description for logs (e.g. "cuda on NVIDIA H200 (device 0)"). */
    record Opened(ForwardPath path, String description) {
    }
}
