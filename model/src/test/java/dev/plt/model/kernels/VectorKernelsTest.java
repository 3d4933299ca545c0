package dev.plt.model.kernels;

import dev.plt.model.kernels.pool.EnginePool;
import dev.plt.model.tensor.Bf16Matrix;
import dev.plt.model.tensor.F32Matrix;
import dev.plt.model.tensor.Matrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every vector kernel against the scalar oracle (and a double reference), for each vector width. */
class VectorKernelsTest {
    /** Lengths around the vector widths (4, 8, 16 lanes) and the tails after them. */
    private static final int[] LENGTHS = {0, 1, 3, 7, 8, 15, 16, 17, 33, 100, 257};

    private static EnginePool pool;
    private final ScalarKernels scalar = new ScalarKernels();

    @BeforeAll
    static void startPool() {
        pool = new EnginePool(2);
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    private static VectorKernels vector(int bits) {
        return new VectorKernels(pool, VectorKernels.speciesOfBits(bits));
    }

    @ParameterizedTest(name = "{0}-bit")
    @ValueSource(ints = {128, 256, 512})
    void nameAndWidth(int bits) {
        VectorKernels k = vector(bits);
        assertEquals("vector-" + bits, k.name());
        assertEquals(bits, k.vectorBits());
    }

    @Test
    void rejectsUnsupportedWidth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new VectorKernels(pool, VectorKernels.speciesOfBits(64)));
        assertTrue(e.getMessage().contains("128-, 256- and 512-bit"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}-bit")
    @ValueSource(ints = {128, 256, 512})
    void matmulMatchesScalarAndReference(int bits) {
        VectorKernels k = vector(bits);
        Random random = new Random(bits);
        for (boolean bf16 : new boolean[] {false, true}) {
            for (int cols : new int[] {1, 7, 16, 33, 100, 257}) {
                for (int outFeatures : new int[] {1, 3, 4, 9}) {
                    for (int rows : new int[] {1, 2, 3, 4, 5, 6, 7, 9}) { // every leftover tile height
                        Matrix w = TestData.randomMatrix(random, bf16, outFeatures, cols);
                        float[] x = TestData.randomFloats(random, rows * cols);
                        float[] actual = new float[rows * outFeatures];
                        float[] oracle = new float[rows * outFeatures];
                        k.matmul(w, x, rows, actual);
                        scalar.matmul(w, x, rows, oracle);
                        double[] abs = new double[rows * outFeatures];
                        double[] reference = TestData.referenceMatmul(w, x, rows, abs);
                        for (int e = 0; e < actual.length; e++) {
                            String what = k.name() + (bf16 ? " bf16" : " f32") + " " + outFeatures + "x" + cols
                                    + " rows=" + rows + " element " + e;
                            TestData.assertSumClose(oracle[e], abs[e], actual[e], what + " vs scalar");
                            TestData.assertSumClose(reference[e], abs[e], actual[e], what + " vs double");
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}-bit")
    @ValueSource(ints = {128, 256, 512})
    void matmulLargerThanOneChunkMatchesScalar(int bits) {
        // Big enough for several pool chunks and, with 9 rows, both 4x4 and leftover tiles.
        VectorKernels k = vector(bits);
        Random random = new Random(7);
        for (boolean bf16 : new boolean[] {false, true}) {
            Matrix w = TestData.randomMatrix(random, bf16, 203, 300);
            float[] x = TestData.randomFloats(random, 9 * 300);
            float[] actual = new float[9 * 203];
            float[] oracle = new float[9 * 203];
            k.matmul(w, x, 9, actual);
            scalar.matmul(w, x, 9, oracle);
            double[] abs = new double[9 * 203];
            TestData.referenceMatmul(w, x, 9, abs);
            for (int e = 0; e < actual.length; e++) {
                TestData.assertSumClose(oracle[e], abs[e], actual[e], k.name() + " element " + e);
            }
        }
    }

    @ParameterizedTest(name = "{0}-bit")
    @ValueSource(ints = {128, 256, 512})
    void matmulElementIsBitwiseTheDotOfItsRows(int bits) {
        VectorKernels k = vector(bits);
        Random random = new Random(11);
        int cols = 77;
        Matrix w = TestData.randomMatrix(random, false, 6, cols);
        float[] weights = ((F32Matrix) w).data();
        float[] x = TestData.randomFloats(random, 5 * cols);
        float[] out = new float[5 * 6];
        k.matmul(w, x, 5, out);
        for (int r = 0; r < 5; r++) {
            for (int o = 0; o < 6; o++) {
                TestData.assertSameBits(k.dot(weights, o * cols, x, r * cols, cols), out[r * 6 + o],
                        "row " + r + " output " + o);
            }
        }
    }

    @ParameterizedTest(name = "{0}-bit")
    @ValueSource(ints = {128, 256, 512})
    void matmulChecksArguments(int bits) {
        VectorKernels k = vector(bits);
        Matrix w = new Bf16Matrix(new short[6], 2, 3);
        assertThrows(IllegalArgumentException.class, () -> k.matmul(w, new float[5], 2, new float[4]));
        assertThrows(IllegalArgumentException.class, () -> k.matmul(w, new float[6], 2, new float[3]));
        float[] out = {5, 5};
        k.matmul(w, new float[0], 0, out);
        assertArrayEquals(new float[] {5, 5}, out);
    }

    @ParameterizedTest(name = "{0}-bit")
    @ValueSource(ints = {128, 256, 512})
    void dotMatchesScalar(int bits) {
        VectorKernels k = vector(bits);
        Random random = new Random(13);
        float[] a = TestData.randomFloats(random, 300);
        float[] b = TestData.randomFloats(random, 300);
        for (int n : LENGTHS) {
            for (int[] offsets : new int[][] {{0, 0}, {3, 1}, {17, 40}}) {
                double expected = 0;
                double abs = 0;
                for (int i = 0; i < n; i++) {
                    double term = (double) a[offsets[0] + i] * b[offsets[1] + i];
                    expected += term;
                    abs += Math.abs(term);
                }
                float actual = k.dot(a, offsets[0], b, offsets[1], n);
                String what = k.name() + " dot n=" + n + " offsets " + Arrays.toString(offsets);
                TestData.assertSumClose(scalar.dot(a, offsets[0], b, offsets[1], n), abs, actual, what);
                TestData.assertSumClose(expected, abs, actual, what + " vs double");
            }
        }
    }

    @ParameterizedTest(name = "{0}-bit")
    @ValueSource(ints = {128, 256, 512})
    void axpyMatchesScalar(int bits) {
        VectorKernels k = vector(bits);
        Random random = new Random(17);
        float[] x = TestData.randomFloats(random, 300);
        float[] y0 = TestData.randomFloats(random, 300);
        for (int n : LENGTHS) {
            float[] expected = y0.clone();
            float[] actual = y0.clone();
            scalar.axpy(0.75f, x, 5, expected, 2, n);
            k.axpy(0.75f, x, 5, actual, 2, n);
            for (int i = 0; i < actual.length; i++) {
                // one rounding (fused) vs two: at most an ulp or so apart
                TestData.assertRelClose(expected[i], actual[i], 1e-6, 1e-7, k.name() + " axpy n=" + n + " i=" + i);
            }
            assertEquals(y0[0], actual[0]);
            assertEquals(y0[1], actual[1]);
            assertEquals(y0[2 + n], actual[2 + n]);
        }
    }

    @ParameterizedTest(name = "{0}-bit")
    @ValueSource(ints = {128, 256, 512})
    void rmsnormMatchesScalar(int bits) {
        VectorKernels k = vector(bits);
        Random random = new Random(19);
        float[] x = TestData.randomFloats(random, 300);
        float[] weight = TestData.randomFloats(random, 300);
        for (int n : LENGTHS) {
            if (n == 0) {
                continue;
            }
            float[] expected = new float[300];
            float[] actual = new float[300];
            scalar.rmsnorm(x, 3, weight, 1e-5f, expected, 7, n);
            k.rmsnorm(x, 3, weight, 1e-5f, actual, 7, n);
            for (int i = 0; i < 300; i++) {
                TestData.assertRelClose(expected[i], actual[i], 1e-5, 1e-7, k.name() + " rmsnorm n=" + n + " i=" + i);
            }
            assertEquals(0f, actual[6]);
            assertEquals(0f, actual[7 + n]);
        }
    }

    @ParameterizedTest(name = "{0}-bit")
    @ValueSource(ints = {128, 256, 512})
    void rmsnormInPlace(int bits) {
        VectorKernels k = vector(bits);
        float[] x = TestData.randomFloats(new Random(23), 100);
        float[] weight = TestData.randomFloats(new Random(29), 100);
        float[] expected = new float[100];
        k.rmsnorm(x, 0, weight, 1e-6f, expected, 0, 100);
        k.rmsnorm(x, 0, weight, 1e-6f, x, 0, 100);
        assertArrayEquals(expected, x);
    }

    @ParameterizedTest(name = "{0}-bit")
    @ValueSource(ints = {128, 256, 512})
    void siluMulMatchesScalar(int bits) {
        VectorKernels k = vector(bits);
        Random random = new Random(31);
        for (int n : LENGTHS) {
            float[] gate = new float[n + 1];
            float[] up = new float[n + 1];
            for (int i = 0; i < gate.length; i++) {
                gate[i] = random.nextFloat() * 40 - 20;
                up[i] = random.nextFloat() * 2 - 1;
            }
            float[] expected = gate.clone();
            float[] actual = gate.clone();
            scalar.siluMul(expected, up, n);
            k.siluMul(actual, up, n);
            for (int i = 0; i < n; i++) {
                TestData.assertRelClose(expected[i], actual[i], 1e-6, 1e-30, k.name() + " siluMul n=" + n + " i=" + i);
            }
            assertEquals(gate[n], actual[n]); // beyond n: untouched
        }
    }

    @ParameterizedTest(name = "{0}-bit")
    @ValueSource(ints = {128, 256, 512})
    void siluMulExtremes(int bits) {
        VectorKernels k = vector(bits);
        float[] gate = {0f, -0f, 1e-30f, -100f, -1000f, 100f, 1000f, Float.POSITIVE_INFINITY, Float.NaN, 88.5f, -88.5f};
        float[] up = new float[gate.length];
        Arrays.fill(up, 1f);
        k.siluMul(gate, up, gate.length);
        assertEquals(0f, gate[0]);
        assertEquals(0f, gate[1], 0f);
        assertEquals(5e-31f, gate[2], 1e-36f);
        assertEquals(0f, gate[3], 1e-35f); // true value -3.7e-42; exp is clamped at e^88
        assertEquals(0f, gate[4], 1e-35f);
        assertEquals(100f, gate[5]);
        assertEquals(1000f, gate[6]);
        assertEquals(Float.POSITIVE_INFINITY, gate[7]);
        assertTrue(Float.isNaN(gate[8]));
        assertEquals(88.5f, gate[9]);
        assertEquals(0f, gate[10], 1e-35f);
    }

    @ParameterizedTest(name = "{0}-bit")
    @ValueSource(ints = {128, 256, 512})
    void siluMulValueDoesNotDependOnPosition(int bits) {
        // An element is computed by vector lanes or by the scalar tail depending on where it sits; both
        // must give the same bits, or results would change with the batch size.
        VectorKernels k = vector(bits);
        Random random = new Random(37);
        float[] gate = new float[67];
        float[] up = new float[67];
        for (int i = 0; i < gate.length; i++) {
            gate[i] = random.nextFloat() * 30 - 15;
            up[i] = random.nextFloat() * 2 - 1;
        }
        float[] whole = gate.clone();
        k.siluMul(whole, up, whole.length);
        for (int i = 0; i < gate.length; i++) {
            float[] one = {gate[i]};
            k.siluMul(one, new float[] {up[i]}, 1);
            TestData.assertSameBits(whole[i], one[0], k.name() + " element " + i);
        }
    }

    @ParameterizedTest(name = "{0}-bit")
    @ValueSource(ints = {128, 256, 512})
    void elementwiseKernelsDoNotDependOnPosition(int bits) {
        VectorKernels k = vector(bits);
        Random random = new Random(41);
        float[] x = TestData.randomFloats(random, 67);
        float[] y = TestData.randomFloats(random, 67);
        float[] whole = y.clone();
        k.axpy(-1.25f, x, 0, whole, 0, 67);
        for (int i = 0; i < 67; i++) {
            float[] one = {y[i]};
            k.axpy(-1.25f, x, i, one, 0, 1);
            TestData.assertSameBits(whole[i], one[0], k.name() + " axpy element " + i);
        }
    }
}
