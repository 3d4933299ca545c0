package dev.plt.model.engine;

import dev.plt.model.config.ConfigLoader;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.kernels.pool.EnginePool;
import dev.plt.model.kernels.KernelBackends;
import dev.plt.model.kernels.Kernels;
import dev.plt.model.checkpoint.RandomCheckpoint;
import dev.plt.model.weights.ModelWeights;
import dev.plt.model.weights.WeightLoader;
import java.nio.file.Path;

/** A random checkpoint written to disk and read back through the real loaders, with both paths. */
public record TestModels(ModelConfig config, ModelWeights weights, ReferencePath reference, FastPath fast,
        EnginePool pool) implements AutoCloseable {

    public static TestModels create(Path dir, RandomCheckpoint.Spec spec, int threads, int prefillChunk) {
        RandomCheckpoint.write(dir, spec);
        ModelConfig config = ConfigLoader.load(dir);
        ModelWeights weights = WeightLoader.load(dir, config, false);
        EnginePool pool = new EnginePool(threads);
        Kernels kernels = KernelBackends.select("auto", pool);
        return new TestModels(config, weights, new ReferencePath(config, weights),
                new FastPath(config, weights, kernels, pool, prefillChunk), pool);
    }

    @Override
    public void close() {
        pool.close();
    }
}
