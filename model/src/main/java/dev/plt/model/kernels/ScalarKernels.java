package dev.plt.model.kernels;

import dev.plt.model.kernels.pool.EnginePool;
import dev.plt.model.tensor.Bf16Matrix;
import dev.plt.model.tensor.F32Matrix;
import dev.plt.model.tensor.Int8Matrix;
import dev.plt.model.tensor.Matrix;

/**
 * Plain-loop kernels: the oracle of the kernel tests and the fallback when the Vector API module is
 * absent. Every output element is one sequential float sum in index order, so results do not depend on
 * the batch size or on how the pool splits the work.
 */
public final class ScalarKernels implements Kernels {

    /** Multiply-adds below which a matmul chunk is not worth a thread hand-off. */
    private static final int MIN_CHUNK_WORK = 1 << 15;

    private final EnginePool pool;

    /** @param pool parallelises matmul over output rows; may be null to run everything on the caller. */
    public ScalarKernels(EnginePool pool) {
        this.pool = pool;
    }

    /** Single-threaded scalar kernels. */
    public ScalarKernels() {
        this(null);
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void matmul(Matrix w, float[] x, int rows, float[] out) {
        KernelSupport.checkMatmul(w, x, rows, out);
        if (rows == 0 || w.rows() == 0) {
            return;
        }
        EnginePool.RangeBody body;
        if (w instanceof F32Matrix f) {
            body = (o0, o1) -> matmulF32(f, x, rows, out, o0, o1);
        } else if (w instanceof Bf16Matrix b) {
            body = (o0, o1) -> matmulBf16(b, x, rows, out, o0, o1);
        } else if (w instanceof Int8Matrix q) {
            body = (o0, o1) -> matmulInt8(q, x, rows, out, o0, o1);
        } else {
            throw new IllegalArgumentException("Unsupported matrix type " + w.getClass().getName());
        }
        if (pool == null) {
            body.run(0, w.rows());
        } else {
            pool.parallelFor(w.rows(), KernelSupport.matmulGrain(w.cols(), rows, MIN_CHUNK_WORK), body);
        }
    }

    private static void matmulF32(F32Matrix w, float[] x, int rows, float[] out, int o0, int o1) {
        float[] wd = w.data();
        int cols = w.cols();
        int outCols = w.rows();
        for (int o = o0; o < o1; o++) {
            int wOff = o * cols;
            for (int r = 0; r < rows; r++) {
                int xOff = r * cols;
                float sum = 0f;
                for (int i = 0; i < cols; i++) {
                    sum += wd[wOff + i] * x[xOff + i];
                }
                out[r * outCols + o] = sum;
            }
        }
    }

    private static void matmulBf16(Bf16Matrix w, float[] x, int rows, float[] out, int o0, int o1) {
        short[] wd = w.data();
        int cols = w.cols();
        int outCols = w.rows();
        for (int o = o0; o < o1; o++) {
            int wOff = o * cols;
            for (int r = 0; r < rows; r++) {
                int xOff = r * cols;
                float sum = 0f;
                for (int i = 0; i < cols; i++) {
                    sum += Bf16Matrix.toFloat(wd[wOff + i]) * x[xOff + i];
                }
                out[r * outCols + o] = sum;
            }
        }
    }

    /** Each weight dequantized as {@link Int8Matrix#dequantize}: the f32 loop on the dequantized matrix, bitwise. */
    private static void matmulInt8(Int8Matrix w, float[] x, int rows, float[] out, int o0, int o1) {
        byte[] wd = w.data();
        float[] scales = w.scales();
        int cols = w.cols();
        int outCols = w.rows();
        for (int o = o0; o < o1; o++) {
            int wOff = o * cols;
            for (int r = 0; r < rows; r++) {
                int xOff = r * cols;
                float sum = 0f;
                for (int i = 0; i < cols; i++) {
                    sum += Int8Matrix.dequantize(wd, scales, wOff + i) * x[xOff + i];
                }
                out[r * outCols + o] = sum;
            }
        }
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += a[aOff + i] * b[bOff + i];
        }
        return sum;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public void rmsnorm(float[] x, int xOff, float[] weight, float eps, float[] out, int outOff, int n) {
        float sumSquares = dot(x, xOff, x, xOff, n);
        float inv = KernelSupport.rmsScale(sumSquares, n, eps);
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[xOff + i] * inv * weight[i];
        }
    }

    @Override
    public void siluMul(float[] gate, float[] up, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[i];
            gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
    }

    @Override
    public void attentionScores(float[] q, int[] qOffsets, int queries, int headDim, float[] keys, int keysOff,
                                int blockStride, int keyCount, float scale, float[] scores, int scoreStride) {
        for (int qi = 0; qi < queries; qi++) {
            for (int j = 0; j < keyCount; j++) {
                int key = keysOff + (j / KEY_BLOCK) * blockStride + j % KEY_BLOCK;
                float sum = 0f;
                for (int i = 0; i < headDim; i++) {
                    sum = Math.fma(q[qOffsets[qi] + i], keys[key + i * KEY_BLOCK], sum);
                }
                scores[qi * scoreStride + j] = sum * scale;
            }
        }
    }

    @Override
    public float softmaxNumerators(float[] s, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, s[off + j]);
        }
        float sum = 0f;
        for (int j = 0; j < n; j++) {
            float e = (float) Math.exp(s[off + j] - max);
            s[off + j] = e;
            sum += e;
        }
        return sum;
    }

    @Override
    public void weightedSum(float[] p, int pOff, int n, float[] values, int valuesOff, int stride, int headDim,
                            float scale, float[] out, int outOff) {
        for (int d = 0; d < headDim; d++) {
            float even = 0f; // even- and odd-numbered keys apart, as the vector kernels sum them
            float odd = 0f;
            for (int j = 0; j < n; j++) {
                float term = values[valuesOff + j * stride + d];
                if (j % 2 == 0) {
                    even = Math.fma(p[pOff + j], term, even);
                } else {
                    odd = Math.fma(p[pOff + j], term, odd);
                }
            }
            out[outOff + d] = (even + odd) * scale;
        }
    }
}
