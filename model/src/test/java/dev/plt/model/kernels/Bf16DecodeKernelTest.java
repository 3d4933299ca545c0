package dev.plt.model.kernels;

import dev.plt.model.kernels.pool.EnginePool;
import dev.plt.model.tensor.Bf16Matrix;
import dev.plt.model.tensor.Matrix;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bf16 decode path of {@code VectorLoops.matmulBf16} (1 to 3 activation rows: the weight rows walked as 4
 * runs side by side, leftover rows as single dot products): every element is bitwise what {@code dotBf16} gives
 * for its weight row and activation row, and close to the scalar kernels', at every width, for output counts
 * that leave 0 to 3 rows outside the runs, input sizes with and without a scalar tail, on one thread and split
 * over a pool.
 */
class Bf16DecodeKernelTest {
    private final ScalarKernels scalar = new ScalarKernels();

    @ParameterizedTest(name = "{0}-bit")
    @ValueSource(ints = {128, 256, 512})
    void decodeElementIsBitwiseTheDotOfItsRows(int bits) {
        VectorLoops loops = switch (bits) {
            case 128 -> new VectorLoops128();
            case 256 -> new VectorLoops256();
            default -> new VectorLoops512();
        };
        Random random = new Random(bits);
        try (EnginePool pool = new EnginePool(2)) {
            for (EnginePool split : new EnginePool[] {null, pool}) {
                VectorKernels k = new VectorKernels(split, VectorKernels.speciesOfBits(bits));
                for (int cols : new int[] {5, 64, 77, 300}) {
                    for (int outFeatures : new int[] {3, 4, 9, 203, 402}) {
                        Matrix w = TestData.randomMatrix(random, true, outFeatures, cols);
                        short[] weights = ((Bf16Matrix) w).data();
                        for (int rows = 1; rows <= 3; rows++) {
                            float[] x = TestData.randomFloats(random, rows * cols);
                            float[] out = new float[rows * outFeatures];
                            float[] oracle = new float[rows * outFeatures];
                            k.matmul(w, x, rows, out);
                            scalar.matmul(w, x, rows, oracle);
                            double[] abs = new double[rows * outFeatures];
                            TestData.referenceMatmul(w, x, rows, abs);
                            for (int r = 0; r < rows; r++) {
                                for (int o = 0; o < outFeatures; o++) {
                                    String what = k.name() + (split == null ? "" : " pool") + " " + outFeatures + "x"
                                            + cols + " rows=" + rows + " row " + r + " output " + o;
                                    int e = r * outFeatures + o;
                                    TestData.assertSameBits(loops.dotBf16(weights, o * cols, x, r * cols, cols),
                                            out[e], what + " vs dotBf16");
                                    TestData.assertSumClose(oracle[e], abs[e], out[e], what + " vs scalar");
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
