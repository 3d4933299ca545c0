package dev.plt.model.kernels.gemm;

import dev.plt.model.kernels.TestData;
import dev.plt.model.kernels.VectorKernels;
import dev.plt.model.kernels.pool.EnginePool;
import dev.plt.model.tensor.Matrix;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PackedGemm} against a plain scalar reference on random data: bitwise against the scalar loop that
 * sums in the engine's fixed order (the order of the mat-vec, which batch invariance needs), close to a
 * double-precision sum, and bitwise equal to the vector mat-vec of the same width.
 */
class PackedGemmTest {
    /** rows x outFeatures x cols: 1 row, odd sizes, sizes below one vector, tails, several weight blocks. */
    private static final int[][] SHAPES = {
        {1, 1, 1}, {1, 37, 259}, {2, 5, 3}, {5, 3, 16}, {6, 4, 64}, {7, 37, 259}, {13, 9, 100},
        {40, 101, 300}, {64, 130, 1030}, {150, 70, 48},
    };

    static List<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (int bits : new int[] {128, 256, 512}) {
            for (boolean bf16 : new boolean[] {false, true}) {
                for (int threads : new int[] {1, 2}) {
                    cases.add(Arguments.of(bits, bf16, threads));
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}-bit bf16={1} threads={2}")
    @MethodSource("cases")
    void matchesThePlainReferenceBitwise(int bits, boolean bf16, int threads) {
        Random random = new Random(31L * bits + threads + (bf16 ? 7 : 0));
        try (EnginePool pool = new EnginePool(threads)) {
            PackedGemm gemm = new PackedGemm(pool, bits);
            VectorKernels matVec = new VectorKernels(pool, VectorKernels.speciesOfBits(bits), Integer.MAX_VALUE);
            int lanes = bits / Float.SIZE;
            assertEquals(lanes, gemm.lanes());
            for (int[] shape : SHAPES) {
                int rows = shape[0];
                int outFeatures = shape[1];
                int cols = shape[2];
                Matrix w = TestData.randomMatrix(random, bf16, outFeatures, cols);
                float[] x = TestData.randomFloats(random, rows * cols);
                float[] out = new float[rows * outFeatures];
                java.util.Arrays.fill(out, Float.NaN); // every element must be written
                gemm.matmul(w, x, rows, out);
                float[] viaMatVec = new float[rows * outFeatures];
                matVec.matmul(w, x, rows, viaMatVec);
                String shapeName = rows + "x" + outFeatures + "x" + cols;
                for (int r = 0; r < rows; r++) {
                    for (int o = 0; o < outFeatures; o++) {
                        String what = shapeName + " out[" + r + ", " + o + "]";
                        float expected = referenceDot(w, o, x, r * cols, lanes);
                        float actual = out[r * outFeatures + o];
                        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                                () -> what + ": expected " + expected + " bitwise, got " + actual);
                        assertEquals(Float.floatToRawIntBits(viaMatVec[r * outFeatures + o]),
                                Float.floatToRawIntBits(actual), what + " differs from the mat-vec");
                        double[] exact = exactDot(w, o, x, r * cols);
                        double tolerance = 1e-5 * exact[1] + 1e-30;
                        assertTrue(Math.abs(actual - exact[0]) <= tolerance,
                                () -> what + ": expected " + exact[0] + " +- " + tolerance + ", got " + actual);
                    }
                }
            }
        }
    }

    /**
     * The engine's order, in plain scalar code: {@code lanes} partial sums, partial l taking elements
     * l, l + lanes, ... of the whole vector chunks with one fma each; the partials summed in the tree
     * "lane j += lane (j + h) mod lanes" for h = lanes/2 .. 1, keeping lane 0; then the tail in order.
     */
    static float referenceDot(Matrix w, int o, float[] x, int xOff, int lanes) {
        int n = w.cols();
        int bound = n - n % lanes;
        float[] partial = new float[lanes];
        for (int c = 0; c < bound; c += lanes) {
            for (int l = 0; l < lanes; l++) {
                partial[l] = Math.fma(w.get(o, c + l), x[xOff + c + l], partial[l]);
            }
        }
        for (int h = lanes / 2; h >= 1; h /= 2) {
            float[] next = new float[lanes];
            for (int j = 0; j < lanes; j++) {
                next[j] = partial[j] + partial[(j + h) % lanes];
            }
            partial = next;
        }
        float sum = partial[0];
        for (int i = bound; i < n; i++) {
            sum = Math.fma(w.get(o, i), x[xOff + i], sum);
        }
        return sum;
    }

    /** The dot product in double, and the sum of its terms' magnitudes (for the tolerance). */
    private static double[] exactDot(Matrix w, int o, float[] x, int xOff) {
        double sum = 0;
        double abs = 0;
        for (int i = 0; i < w.cols(); i++) {
            double term = (double) w.get(o, i) * x[xOff + i];
            sum += term;
            abs += Math.abs(term);
        }
        return new double[] {sum, abs};
    }
}
