package dev.plt.model.kernels;

import dev.plt.model.tensor.Matrix;

/** Argument checks and small formulas shared by both kernel implementations, so they cannot drift apart. */
final class KernelSupport {
    private KernelSupport() {
    }

    static void checkMatmul(Matrix w, float[] x, int rows, float[] out) {
        if (rows < 0) {
            throw new IllegalArgumentException("matmul rows must be >= 0, got " + rows);
        }
        long xNeeded = (long) rows * w.cols();
        long outNeeded = (long) rows * w.rows();
        if (x.length < xNeeded) {
            throw new IllegalArgumentException("matmul x has " + x.length + " floats, needs " + rows + " x "
                    + w.cols() + " = " + xNeeded);
        }
        if (out.length < outNeeded) {
            throw new IllegalArgumentException("matmul out has " + out.length + " floats, needs " + rows + " x "
                    + w.rows() + " = " + outNeeded);
        }
    }

    /**
     * The fewest weight rows per parallel chunk so that a chunk does at least {@code minChunkWork}
     * multiply-adds: below that the hand-off to another thread costs more than it saves.
     */
    static int matmulGrain(int cols, int rows, int minChunkWork) {
        long workPerWeightRow = Math.max(1L, (long) cols * rows);
        return (int) Math.max(1L, Math.min(Integer.MAX_VALUE, minChunkWork / workPerWeightRow));
    }

    /** RMSNorm's scale {@code 1 / sqrt(mean(x^2) + eps)}; the one formula both implementations use. */
    static float rmsScale(float sumSquares, int n, float eps) {
        return (float) (1.0 / Math.sqrt(sumSquares / n + eps));
    }
}
