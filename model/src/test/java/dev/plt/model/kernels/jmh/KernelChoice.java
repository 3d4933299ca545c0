package dev.plt.model.kernels.jmh;

import dev.plt.model.kernels.pool.EnginePool;
import dev.plt.model.kernels.KernelBackends;
import dev.plt.model.kernels.Kernels;
import dev.plt.model.kernels.VectorKernels;

/**
 * The kernels a benchmark runs on: a backend by name ("vector-512", "vector-256", "scalar") and an
 * engine pool of {@code threads} (null for one thread: the kernels then run on the caller alone).
 */
final class KernelChoice implements AutoCloseable {
    final Kernels kernels;
    private final EnginePool pool;

    KernelChoice(String backend, int threads) {
        this(backend, threads, "auto");
    }

    /**
     * @param matmulPath for a "vector-N" backend: "auto" (the engine's choice), "matvec" (the mat-vec tiles at
     *                   every row count) or "gemm" (the packed GEMM at every row count)
     */
    KernelChoice(String backend, int threads, String matmulPath) {
        this.pool = threads > 1 ? new EnginePool(threads) : null;
        if (matmulPath.equals("auto")) {
            this.kernels = KernelBackends.select(backend, pool);
        } else if (backend.startsWith("vector-")) {
            int gemmMinRows = switch (matmulPath) {
                case "matvec" -> Integer.MAX_VALUE;
                case "gemm" -> 1;
                default -> throw new IllegalArgumentException("matmul path must be auto, matvec or gemm, not "
                        + matmulPath);
            };
            this.kernels = new VectorKernels(pool,
                    VectorKernels.speciesOfBits(Integer.parseInt(backend.substring("vector-".length()))), gemmMinRows);
        } else {
            throw new IllegalArgumentException("matmul path " + matmulPath + " needs a vector-N backend, not "
                    + backend);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.close();
        }
    }
}
