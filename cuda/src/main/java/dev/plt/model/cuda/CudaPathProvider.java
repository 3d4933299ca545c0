package dev.plt.model.cuda;

import dev.plt.model.config.ModelConfig;
import dev.plt.model.engine.ForwardPathProvider;
import dev.plt.model.weights.ModelWeights;

/**
 * How plt-model reaches the GPU backend without linking against it: registered in
 * META-INF/services/dev.plt.model.engine.ForwardPathProvider, serving {@code cuda} and {@code cuda:N}.
 */
public final class CudaPathProvider implements ForwardPathProvider {
    @Override
    public boolean serves(String backend) {
        return CudaBackend.isRequested(backend);
    }

    @Override
    public Opened open(ModelConfig config, ModelWeights weights, String backend, int prefillChunk) {
        CudaPath path = CudaBackend.open(config, weights, prefillChunk, CudaBackend.deviceOf(backend));
        return new Opened(path, "cuda on " + path.deviceDescription());
    }
}
