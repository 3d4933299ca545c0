package dev.plt.model.kernels;

import dev.plt.model.kernels.pool.EnginePool;
import dev.plt.model.tensor.Bf16Matrix;
import dev.plt.model.tensor.F32Matrix;
import dev.plt.model.tensor.Matrix;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The oracle itself, on hand-computed values, so the vector tests do not compare against a wrong oracle. */
class ScalarKernelsTest {
    private final ScalarKernels kernels = new ScalarKernels();

    @Test
    void nameIsScalar() {
        assertEquals("scalar", kernels.name());
    }

    @Test
    void matmulF32ComputesRowsTimesWeightRows() {
        // w = [[1, 2, 3], [-1, 0.5, 4]] (2 outputs, 3 inputs); x = [[1, 1, 1], [2, 0, -1]]
        Matrix w = new F32Matrix(new float[] {1, 2, 3, -1, 0.5f, 4}, 2, 3);
        float[] x = {1, 1, 1, 2, 0, -1};
        float[] out = new float[4];
        kernels.matmul(w, x, 2, out);
        assertArrayEquals(new float[] {6, 3.5f, -1, -6}, out);
    }

    @Test
    void matmulBf16WidensExactly() {
        short[] bits = new short[6];
        float[] values = {1.5f, -2, 0.25f, 3, 0, -0.125f}; // exactly representable in bf16
        for (int i = 0; i < 6; i++) {
            bits[i] = Bf16Matrix.fromFloat(values[i]);
        }
        Matrix w = new Bf16Matrix(bits, 2, 3);
        float[] x = {2, 1, 4};
        float[] out = new float[2];
        kernels.matmul(w, x, 1, out);
        assertArrayEquals(new float[] {2, 5.5f}, out);
    }

    @Test
    void matmulLeavesOutputBeyondRowsAlone() {
        Matrix w = new F32Matrix(new float[] {1, 1}, 1, 2);
        float[] out = {7, 7, 7};
        kernels.matmul(w, new float[] {1, 2, 3, 4}, 1, out);
        assertArrayEquals(new float[] {3, 7, 7}, out);
        kernels.matmul(w, new float[0], 0, out);
        assertArrayEquals(new float[] {3, 7, 7}, out);
    }

    @Test
    void matmulRejectsShortArrays() {
        Matrix w = new F32Matrix(new float[6], 2, 3);
        assertThrows(IllegalArgumentException.class, () -> kernels.matmul(w, new float[5], 2, new float[4]));
        assertThrows(IllegalArgumentException.class, () -> kernels.matmul(w, new float[6], 2, new float[3]));
        assertThrows(IllegalArgumentException.class, () -> kernels.matmul(w, new float[6], -1, new float[4]));
    }

    @Test
    void parallelMatmulIsBitwiseTheSame() {
        Random random = new Random(3);
        Matrix w = TestData.randomMatrix(random, false, 301, 257);
        float[] x = TestData.randomFloats(random, 5 * 257);
        float[] single = new float[5 * 301];
        float[] parallel = new float[5 * 301];
        kernels.matmul(w, x, 5, single);
        try (EnginePool pool = new EnginePool(2)) {
            new ScalarKernels(pool).matmul(w, x, 5, parallel);
        }
        assertArrayEquals(single, parallel);
    }

    @Test
    void dotUsesOffsets() {
        float[] a = {9, 1, 2, 3};
        float[] b = {4, 5, 6, 9};
        assertEquals(1 * 4 + 2 * 5 + 3 * 6, kernels.dot(a, 1, b, 0, 3));
        assertEquals(0f, kernels.dot(a, 0, b, 0, 0));
    }

    @Test
    void axpyAddsScaledX() {
        float[] y = {1, 1, 1, 1};
        kernels.axpy(2, new float[] {0, 1, 2, 3}, 1, y, 1, 3);
        assertArrayEquals(new float[] {1, 3, 5, 7}, y);
    }

    @Test
    void rmsnormScalesByRootMeanSquare() {
        // x = [3, 4]: mean square 12.5; out = x / sqrt(12.5 + eps) * w
        float[] x = {0, 3, 4};
        float[] out = new float[3];
        kernels.rmsnorm(x, 1, new float[] {1, 2}, 0f, out, 1, 2);
        assertEquals(0f, out[0]);
        assertEquals(3 / Math.sqrt(12.5), out[1], 1e-6);
        assertEquals(8 / Math.sqrt(12.5), out[2], 1e-6);
        kernels.rmsnorm(x, 1, new float[] {1, 1}, 0.5f, out, 0, 2);
        assertEquals(3 / Math.sqrt(13), out[0], 1e-6);
    }

    @Test
    void siluMulMultipliesSiluOfGateByUp() {
        float[] gate = {0, 1, -2, 20};
        kernels.siluMul(gate, new float[] {5, 2, 1, 0.5f}, 3);
        assertEquals(0f, gate[0]);
        assertEquals(2 / (1 + Math.exp(-1)), gate[1], 1e-6);
        assertEquals(-2 / (1 + Math.exp(2)), gate[2], 1e-6);
        assertEquals(20f, gate[3]); // beyond n: untouched
    }
}
