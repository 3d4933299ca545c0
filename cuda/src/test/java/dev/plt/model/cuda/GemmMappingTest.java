package dev.plt.model.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.junit.jupiter.api.Test;

/**
 * The row-major projection, handed to cuBLAS as a column-major GEMM, computes {@code Y = X W^T}. Checked
 * by evaluating the produced arguments with cublasGemmEx's documented definition, on the bytes laid out
 * exactly as the engine lays them out.
 */
class GemmMappingTest {
    @Test
    void constantsAreCublasOwn() {
        // Compile-time constants: comparing them loads no native library.
        assertEquals(cublas.CUBLAS_OP_N, GemmMapping.OP_N);
        assertEquals(cublas.CUBLAS_OP_T, GemmMapping.OP_T);
        assertEquals(cudart.CUDA_R_32F, GemmMapping.R_32F);
        assertEquals(cudart.CUDA_R_16BF, GemmMapping.R_16BF);
    }

    @Test
    void projectionIsXTimesWTransposedAndAccumulateAddsToTheOutput() {
        int rows = 5;
        int in = 7;
        int out = 3;
        Random random = new Random(3);
        float[] w = new float[out * in];   // [out][in] row-major, as nn.Linear
        float[] x = new float[rows * in];  // [rows][in]
        float[] y = new float[rows * out]; // [rows][out], starts as a residual
        for (int i = 0; i < w.length; i++) {
            w[i] = random.nextFloat() - 0.5f;
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat() - 0.5f;
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = random.nextFloat();
        }
        float[] residual = y.clone();
        CublasGemm g = GemmMapping.rowMajor(1000, 2000, 3000, rows, in, out, true);
        evaluate(g, w, x, y);
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double expected = residual[r * out + o];
                for (int i = 0; i < in; i++) {
                    expected += x[r * in + i] * w[o * in + i];
                }
                assertEquals(expected, y[r * out + o], 1e-5, "y[" + r + "][" + o + "]");
            }
        }
        assertEquals(0f, GemmMapping.rowMajor(1, 2, 3, rows, in, out, false).beta());
        assertEquals(GemmMapping.R_16BF, g.aType());
        assertEquals(GemmMapping.R_32F, g.cType());
    }

    /** cublasGemmEx: C[i + j ldc] = alpha sum_p op(A)(i, p) op(B)(p, j) + beta C, all column-major. */
    private static void evaluate(CublasGemm g, float[] a, float[] b, float[] c) {
        for (int j = 0; j < g.n(); j++) {
            for (int i = 0; i < g.m(); i++) {
                double sum = 0;
                for (int p = 0; p < g.k(); p++) {
                    float av = g.transA() == GemmMapping.OP_T ? a[p + i * g.lda()] : a[i + p * g.lda()];
                    float bv = g.transB() == GemmMapping.OP_T ? b[j + p * g.ldb()] : b[p + j * g.ldb()];
                    sum += av * bv;
                }
                int at = i + j * g.ldc();
                c[at] = (float) (g.alpha() * sum + g.beta() * c[at]);
            }
        }
    }
}
