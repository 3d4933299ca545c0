package dev.plt.model.kernels.jmh;

import dev.plt.model.kernels.EnginePool;
import dev.plt.model.kernels.KernelBackends;
import dev.plt.model.kernels.Kernels;

/**
 * The kernels a benchmark runs on: a backend by name ("vector-512", "vector-256", "scalar") and an
 * engine pool of {@code threads} (null for one thread: the kernels then run on the caller alone).
 */
final class KernelChoice implements AutoCloseable {
    final Kernels kernels;
    private final EnginePool pool;

    KernelChoice(String backend, int threads) {
        this.pool = threads > 1 ? new EnginePool(threads) : null;
        this.kernels = KernelBackends.select(backend, pool);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.close();
        }
    }
}
