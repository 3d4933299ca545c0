package dev.plt.model.inference;

import dev.plt.model.config.ModelConfig;
import dev.plt.model.engine.ForwardPathProvider;
import dev.plt.model.engine.ReferencePath;
import dev.plt.model.weights.ModelWeights;

/**
 * A provider registered only on the test classpath (src/test/resources/META-INF/services), serving the
 * backend value "stub" with the reference path: shows that PltModel runs what a provider opens.
 */
public final class StubPathProvider implements ForwardPathProvider {
    static final String NAME = "stub";

    @Override
    public boolean serves(String backend) {
        return NAME.equals(backend);
    }

    @Override
    public Opened open(ModelConfig config, ModelWeights weights, String backend, int prefillChunk) {
        return new Opened(new ReferencePath(config, weights), "stub on the test classpath, chunk " + prefillChunk);
    }
}
