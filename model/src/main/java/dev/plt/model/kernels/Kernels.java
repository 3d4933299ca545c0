package dev.plt.model.kernels;

import dev.plt.model.tensor.Matrix;

/**
 * The numeric kernels of the fast path. Two implementations: {@link ScalarKernels} (plain loops, the
 * oracle in kernel tests and the fallback when the Vector API module is absent) and
 * {@link VectorKernels} (jdk.incubator.vector). Both must give, for every output element, a result
 * that does not depend on how many rows are in the batch or how work is split across threads:
 * that is what makes scores batch-invariant.
 */
public interface Kernels {
    /**
     * Positions per key block of the attention kernels' key layout: keys are stored transposed in blocks of
     * this many positions, {@code [block][dim][KEY_BLOCK]}, so that one vector load holds one dimension of
     * consecutive keys and a query's scores need no horizontal sums (see {@link #attentionScores}).
     */
    int KEY_BLOCK = 16;

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

    /**
     * Attention scores of {@code queries} queries against the same {@code keyCount} keys of one head:
     * {@code scores[qi * scoreStride + j] = scale * sum_i q[qOffsets[qi] + i] * key_j[i]}, the sum taken in
     * order of i with one fused multiply-add per term, then multiplied by scale. Key j is stored transposed in key blocks (see
     * {@link #KEY_BLOCK}): its dimension i is at {@code keys[keysOff + (j / KEY_BLOCK) * blockStride + i *
     * KEY_BLOCK + j % KEY_BLOCK]}. Whole blocks are computed, so {@code scoreStride} must be at least
     * {@code keyCount} rounded up to a multiple of KEY_BLOCK; the entries from {@code keyCount} to the end of
     * the last block are garbage. A query's scores do not depend on the other queries, nor on how many there are.
     */
    void attentionScores(float[] q, int[] qOffsets, int queries, int headDim, float[] keys, int keysOff,
                         int blockStride, int keyCount, float scale, float[] scores, int scoreStride);

    /**
     * Softmax numerators in place: {@code s[off + j] = exp(s[off + j] - max)} for j in [0, n), where max is
     * the largest of them; returns their sum (the denominator). The result depends only on the n values.
     */
    float softmaxNumerators(float[] s, int off, int n);

    /**
     * {@code out[outOff + d] = scale * sum_j p[pOff + j] * values[valuesOff + j * stride + d]} for d in
     * [0, headDim): the attention output of one head from its (unnormalised) softmax weights and the value
     * rows. The sum is two sums with one fused multiply-add per term, in order of j, over the even and the
     * odd j, then added (two chains of multiply-adds that do not wait on each other).
     */
    void weightedSum(float[] p, int pOff, int n, float[] values, int valuesOff, int stride, int headDim,
                     float scale, float[] out, int outOff);
}
