package dev.plt.model.kernels;

import dev.plt.model.tensor.Bf16Matrix;
import dev.plt.model.tensor.F32Matrix;
import dev.plt.model.tensor.Matrix;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Random inputs, a double-precision reference and tolerance checks shared by the kernel tests. */
public final class TestData {
    private TestData() {
    }

    /** Uniform in [-1, 1). */
    public static float[] randomFloats(Random random, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextFloat() * 2 - 1;
        }
        return a;
    }

    public static Matrix randomMatrix(Random random, boolean bf16, int rows, int cols) {
        float[] data = randomFloats(random, rows * cols);
        if (!bf16) {
            return new F32Matrix(data, rows, cols);
        }
        short[] bits = new short[data.length];
        for (int i = 0; i < data.length; i++) {
            bits[i] = Bf16Matrix.fromFloat(data[i]);
        }
        return new Bf16Matrix(bits, rows, cols);
    }

    /** {@code out[r, o] = sum_i w[o, i] * x[r, i]} in double, with {@code sum_i |w[o, i] * x[r, i]|} in abs. */
    static double[] referenceMatmul(Matrix w, float[] x, int rows, double[] abs) {
        double[] out = new double[rows * w.rows()];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < w.rows(); o++) {
                double sum = 0;
                double sumAbs = 0;
                for (int i = 0; i < w.cols(); i++) {
                    double term = (double) w.get(o, i) * x[r * w.cols() + i];
                    sum += term;
                    sumAbs += Math.abs(term);
                }
                out[r * w.rows() + o] = sum;
                abs[r * w.rows() + o] = sumAbs;
            }
        }
        return out;
    }

    /**
     * A float sum of products is accurate to about n * 2^-24 of the sum of the terms' magnitudes (worst
     * case; the error does not scale with the result when terms cancel). 1e-5 of it is what the brief
     * asks for and comfortably above the rounding of sums up to a few hundred terms.
     */
    static void assertSumClose(double expected, double sumAbs, float actual, String what) {
        double tolerance = 1e-5 * sumAbs + 1e-30;
        assertTrue(Math.abs(actual - expected) <= tolerance,
                () -> what + ": expected " + expected + " +- " + tolerance + ", got " + actual);
    }

    static void assertRelClose(double expected, float actual, double rel, double abs, String what) {
        double tolerance = rel * Math.abs(expected) + abs;
        assertTrue(Math.abs(actual - expected) <= tolerance,
                () -> what + ": expected " + expected + " +- " + tolerance + ", got " + actual);
    }

    /** Bitwise equality, so that -0 vs +0 and NaN payloads count as different. */
    static void assertSameBits(float expected, float actual, String what) {
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                () -> what + ": expected " + expected + " bitwise, got " + actual);
    }
}
