package dev.plt.model.kernels;

import dev.plt.model.weights.Matrix;

/**
 * The numeric kernels of the fast path. Two implementations: {@link ScalarKernels} (plain loops, the
 * oracle in kernel tests and the fallback when the Vector API module is absent) and
 * {@link VectorKernels} (jdk.incubator.vector). Both must give, for every output element, a result
 * that does not depend on how many rows are in the batch or how work is split across threads:
 * that is what makes scores batch-invariant.
 */
public interface Kernels {
    /** A short name for logs, e.g. "vector-512" or "scalar". */
    String name();

    /**
     * Batched matrix multiply {@code out[r, o] = sum_i w[o, i] * x[r, i]} for {@code rows} activation
     * rows. {@code x} is [rows, w.cols()] and {@code out} is [rows, w.rows()], both row-major from
     * offset 0. Each weight row is read once for all activation rows: this is where Cross-Loop
     * Parallelism pays, since the L rows of a decode step share one pass over the weights.
     */
    void matmul(Matrix w, float[] x, int rows, float[] out);

    /** {@code sum_i a[aOff + i] * b[bOff + i]}. */
    float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /** {@code y[yOff + i] += alpha * x[xOff + i]}. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /** RMSNorm: {@code out = x / sqrt(mean(x^2) + eps) * weight}, over n elements. */
    void rmsnorm(float[] x, int xOff, float[] weight, float eps, float[] out, int outOff, int n);

    /** SwiGLU's elementwise part: {@code gate[i] = silu(gate[i]) * up[i]} for i in [0, n). */
    void siluMul(float[] gate, float[] up, int n);
}
