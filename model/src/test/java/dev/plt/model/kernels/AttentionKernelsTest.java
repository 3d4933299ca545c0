package dev.plt.model.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.plt.model.kernels.pool.EnginePool;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The attention kernels (scores against keys in key blocks, softmax numerators, weighted sum of values) of
 * every vector width against the scalar kernels and a double-precision reference, on random data. Scores
 * and weighted sums take the same fused multiply-adds in the same order at every width, so they must
 * equal the scalar kernels' bitwise.
 */
class AttentionKernelsTest {
    /** Around one key block (16) and one group of 4 blocks (64), so every loop and remainder runs. */
    private static final int[] KEY_COUNTS = {1, 2, 15, 16, 17, 47, 63, 64, 65, 100, 150};
    /** Shorter and longer than one vector at each width, with tails. */
    private static final int[] HEAD_DIMS = {1, 8, 10, 16, 33, 64, 80};

    private static EnginePool pool;
    private final ScalarKernels scalar = new ScalarKernels();

    @BeforeAll
    static void startPool() {
        pool = new EnginePool(1);
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    static List<Arguments> widths() {
        List<Arguments> out = new ArrayList<>();
        for (int bits : new int[] {128, 256, 512}) {
            out.add(Arguments.of(bits));
        }
        return out;
    }

    private static VectorKernels vector(int bits) {
        return new VectorKernels(pool, VectorKernels.speciesOfBits(bits));
    }

    /** Keys {@code [count][headDim]} (row-major) laid out in key blocks with the given block stride. */
    private static float[] toKeyBlocks(float[] keys, int count, int headDim, int blockStride, int offset) {
        int blocks = (count + Kernels.KEY_BLOCK - 1) / Kernels.KEY_BLOCK;
        float[] out = new float[offset + blocks * blockStride];
        java.util.Arrays.fill(out, Float.NaN); // padding lanes: garbage scores, never read
        for (int j = 0; j < count; j++) {
            for (int i = 0; i < headDim; i++) {
                out[offset + (j / Kernels.KEY_BLOCK) * blockStride + i * Kernels.KEY_BLOCK + j % Kernels.KEY_BLOCK]
                        = keys[j * headDim + i];
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}-bit")
    @MethodSource("widths")
    void scoresEqualTheScalarKernelsAndTheReference(int bits) {
        VectorKernels k = vector(bits);
        Random random = new Random(bits);
        for (int headDim : HEAD_DIMS) {
            for (int count : KEY_COUNTS) {
                int queries = 1 + random.nextInt(5);
                float[] q = TestData.randomFloats(random, 3 + queries * headDim);
                int[] offsets = new int[queries];
                for (int qi = 0; qi < queries; qi++) {
                    offsets[qi] = 3 + (queries - 1 - qi) * headDim; // any order, not contiguous from 0
                }
                float[] rowMajor = TestData.randomFloats(random, count * headDim);
                int blockStride = (headDim + 2) * Kernels.KEY_BLOCK; // as if other heads sat between blocks
                float[] keys = toKeyBlocks(rowMajor, count, headDim, blockStride, 5);
                int stride = ((count + 15) / 16) * 16 + 16;
                float[] actual = new float[queries * stride];
                float[] oracle = new float[queries * stride];
                float scale = 0.37f;
                k.attentionScores(q, offsets, queries, headDim, keys, 5, blockStride, count, scale, actual, stride);
                scalar.attentionScores(q, offsets, queries, headDim, keys, 5, blockStride, count, scale, oracle, stride);
                for (int qi = 0; qi < queries; qi++) {
                    for (int j = 0; j < count; j++) {
                        String what = k.name() + " head_dim " + headDim + " keys " + count + " query " + qi + " key " + j;
                        TestData.assertSameBits(oracle[qi * stride + j], actual[qi * stride + j], what);
                        double expected = 0;
                        double abs = 0;
                        for (int i = 0; i < headDim; i++) {
                            double term = (double) q[offsets[qi] + i] * rowMajor[j * headDim + i];
                            expected += term;
                            abs += Math.abs(term);
                        }
                        TestData.assertSumClose(expected * scale, abs * scale, actual[qi * stride + j], what + " vs double");
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}-bit")
    @MethodSource("widths")
    void aQuerysScoresDoNotDependOnTheOtherQueries(int bits) {
        VectorKernels k = vector(bits);
        Random random = new Random(3);
        int headDim = 24;
        int count = 131;
        float[] q = TestData.randomFloats(random, 4 * headDim);
        float[] keys = toKeyBlocks(TestData.randomFloats(random, count * headDim), count, headDim,
                headDim * Kernels.KEY_BLOCK, 0);
        int stride = 144;
        float[] together = new float[4 * stride];
        k.attentionScores(q, new int[] {0, 24, 48, 72}, 4, headDim, keys, 0, headDim * Kernels.KEY_BLOCK, count,
                0.5f, together, stride);
        for (int qi = 0; qi < 4; qi++) {
            float[] alone = new float[stride];
            k.attentionScores(q, new int[] {qi * headDim}, 1, headDim, keys, 0, headDim * Kernels.KEY_BLOCK, count,
                    0.5f, alone, stride);
            for (int j = 0; j < count; j++) {
                TestData.assertSameBits(alone[j], together[qi * stride + j], "query " + qi + " key " + j);
            }
        }
    }

    @ParameterizedTest(name = "{0}-bit")
    @MethodSource("widths")
    void softmaxNumeratorsMatchTheScalarKernelsAndDoNotDependOnPosition(int bits) {
        VectorKernels k = vector(bits);
        Random random = new Random(bits + 1);
        for (int n : KEY_COUNTS) {
            float[] s = new float[n + 20];
            for (int j = 0; j < s.length; j++) {
                s[j] = random.nextFloat() * 30 - 20;
            }
            float[] actual = s.clone();
            float[] oracle = s.clone();
            float sum = k.softmaxNumerators(actual, 4, n);
            float expectedSum = scalar.softmaxNumerators(oracle, 4, n);
            TestData.assertRelClose(expectedSum, sum, 1e-5, 0, k.name() + " sum n=" + n);
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 4; j < 4 + n; j++) {
                max = Math.max(max, s[j]);
            }
            for (int j = 0; j < s.length; j++) {
                String what = k.name() + " n=" + n + " element " + j;
                if (j < 4 || j >= 4 + n) {
                    TestData.assertSameBits(s[j], actual[j], what + " (outside: untouched)");
                } else {
                    TestData.assertRelClose(oracle[j], actual[j], 1e-6, 1e-30, what);
                    // the vector body and the scalar tail compute an element alike, wherever it sits
                    float[] one = {max, s[j]};
                    k.softmaxNumerators(one, 0, 2);
                    TestData.assertSameBits(one[1], actual[j], what + " alone");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}-bit")
    @MethodSource("widths")
    void weightedSumEqualsTheScalarKernelsAndTheReference(int bits) {
        VectorKernels k = vector(bits);
        Random random = new Random(bits + 2);
        for (int headDim : new int[] {1, 7, 16, 17, 64, 65, 80, 128}) {
            for (int n : KEY_COUNTS) {
                int stride = headDim + 3; // value rows of one head inside wider rows
                float[] values = TestData.randomFloats(random, 2 + n * stride);
                float[] p = new float[n + 1];
                for (int j = 0; j < p.length; j++) {
                    p[j] = random.nextFloat();
                }
                float[] actual = new float[headDim + 4];
                float[] oracle = new float[headDim + 4];
                k.weightedSum(p, 1, n, values, 2, stride, headDim, 0.25f, actual, 3);
                scalar.weightedSum(p, 1, n, values, 2, stride, headDim, 0.25f, oracle, 3);
                assertEquals(0f, actual[2]);
                for (int d = 0; d < headDim; d++) {
                    String what = k.name() + " head_dim " + headDim + " keys " + n + " dim " + d;
                    TestData.assertSameBits(oracle[3 + d], actual[3 + d], what);
                    double expected = 0;
                    double abs = 0;
                    for (int j = 0; j < n; j++) {
                        double term = (double) p[1 + j] * values[2 + j * stride + d];
                        expected += term;
                        abs += Math.abs(term);
                    }
                    TestData.assertSumClose(expected * 0.25, abs * 0.25, actual[3 + d], what + " vs double");
                }
            }
        }
    }
}
