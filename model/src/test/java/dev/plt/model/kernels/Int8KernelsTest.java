package dev.plt.model.kernels;

import dev.plt.model.kernels.pool.EnginePool;
import dev.plt.model.tensor.F32Matrix;
import dev.plt.model.tensor.Int8Matrix;
import dev.plt.model.tensor.Int8Quantizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The int8 matmul of every backend and vector width on random data: bitwise the same backend's f32 matmul on the
 * dequantized matrix (the definition the kernels follow, which also makes the mat-vec and the packed GEMM agree
 * bit for bit), close to a double-precision sum (the scalar reference), and batch-invariant: a row alone equals
 * the row in a batch, on the mat-vec tiles and on the GEMM.
 */
class Int8KernelsTest {
    /** rows x outFeatures x cols: 1 row, leftover weight rows (not a multiple of 4), one block, many blocks. */
    private static final int[][] SHAPES = {
        {1, 1, 32}, {1, 37, 96}, {2, 5, 32}, {3, 9, 160}, {4, 8, 64}, {5, 13, 256}, {7, 37, 288},
    };

    static List<Arguments> backends() {
        List<Arguments> cases = new ArrayList<>();
        for (String backend : new String[] {"scalar", "vector-128", "vector-256", "vector-512"}) {
            for (int threads : new int[] {1, 2}) {
                cases.add(Arguments.of(backend, threads));
            }
        }
        return cases;
    }

    /** {@code gemmMinRows}: 1 forces the packed GEMM, MAX_VALUE the mat-vec (vector backends only). */
    private static Kernels kernels(String backend, EnginePool pool, int gemmMinRows) {
        return backend.equals("scalar") ? new ScalarKernels(pool)
                : new VectorKernels(pool, VectorKernels.speciesOfBits(Integer.parseInt(backend.substring(7))),
                        gemmMinRows);
    }

    static Int8Matrix randomInt8(Random random, int rows, int cols) {
        float[] w = TestData.randomFloats(random, rows * cols);
        // a few blocks with a larger range, one all zero: scales differ from block to block
        for (int i = 0; i < w.length; i += 97) {
            w[i] *= 8;
        }
        if (rows * cols >= 64) {
            Arrays.fill(w, 32, 64, 0f);
        }
        return Int8Quantizer.quantize(new F32Matrix(w, rows, cols));
    }

    static F32Matrix dequantized(Int8Matrix q) {
        float[] w = new float[q.rows() * q.cols()];
        for (int r = 0; r < q.rows(); r++) {
            q.copyRow(r, w, r * q.cols());
        }
        return new F32Matrix(w, q.rows(), q.cols());
    }

    @ParameterizedTest(name = "{0} threads={1}")
    @MethodSource("backends")
    void equalsTheF32MatmulOfTheDequantizedMatrixAndTheDoubleReference(String backend, int threads) {
        Random random = new Random(backend.hashCode() * 17L + threads);
        try (EnginePool pool = new EnginePool(threads)) {
            for (int gemmMinRows : new int[] {1, Integer.MAX_VALUE}) {
                Kernels k = kernels(backend, pool, gemmMinRows);
                for (int[] shape : SHAPES) {
                    int rows = shape[0];
                    Int8Matrix q = randomInt8(random, shape[1], shape[2]);
                    F32Matrix f = dequantized(q);
                    float[] x = TestData.randomFloats(random, rows * q.cols());
                    float[] out = new float[rows * q.rows()];
                    Arrays.fill(out, Float.NaN); // every element must be written
                    k.matmul(q, x, rows, out);
                    float[] viaF32 = new float[rows * q.rows()];
                    k.matmul(f, x, rows, viaF32);
                    double[] abs = new double[out.length];
                    double[] exact = TestData.referenceMatmul(f, x, rows, abs);
                    String what = k.name() + " gemmMinRows=" + gemmMinRows + " " + rows + "x" + q.rows() + "x" + q.cols();
                    for (int i = 0; i < out.length; i++) {
                        TestData.assertSameBits(viaF32[i], out[i], what + " out[" + i + "] vs f32 of the dequantized");
                        TestData.assertSumClose(exact[i], abs[i], out[i], what + " out[" + i + "] vs double");
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} threads={1}")
    @MethodSource("backends")
    void rowOfABatchEqualsTheRowAloneOnTheMatVecAndTheGemm(String backend, int threads) {
        Random random = new Random(backend.hashCode() * 31L + threads);
        int rows = 40; // above every width's default GEMM threshold
        Int8Matrix q = randomInt8(random, 37, 288);
        float[] x = TestData.randomFloats(random, rows * q.cols());
        try (EnginePool pool = new EnginePool(threads); EnginePool onePool = new EnginePool(1)) {
            Kernels batched = backend.equals("scalar") ? new ScalarKernels(pool)
                    : new VectorKernels(pool, VectorKernels.speciesOfBits(Integer.parseInt(backend.substring(7))));
            Kernels alone = kernels(backend, onePool, Integer.MAX_VALUE);
            float[] batch = new float[rows * q.rows()];
            batched.matmul(q, x, rows, batch);
            for (int prefix : new int[] {1, 2, 3, 5, rows}) {
                float[] out = new float[prefix * q.rows()];
                batched.matmul(q, x, prefix, out);
                for (int r = 0; r < prefix; r++) {
                    float[] row = Arrays.copyOfRange(x, r * q.cols(), (r + 1) * q.cols());
                    float[] single = new float[q.rows()];
                    alone.matmul(q, row, 1, single);
                    for (int o = 0; o < q.rows(); o++) {
                        String what = backend + " row " + r + " of " + prefix + ", out " + o;
                        TestData.assertSameBits(single[o], out[r * q.rows() + o], what + " vs alone");
                        TestData.assertSameBits(batch[r * q.rows() + o], out[r * q.rows() + o], what + " vs 40 rows");
                    }
                }
            }
        }
    }
}
