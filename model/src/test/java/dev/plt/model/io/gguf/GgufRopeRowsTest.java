package dev.plt.model.io.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Q/K row order for llama.cpp: rotate-half RoPE on our rows equals llama.cpp's adjacent-pair RoPE on the
 * reordered rows (reordered the same way), so attention scores, which are dot products, are the same.
 */
class GgufRopeRowsTest {
    @Test
    void movesTheSecondHalfOfEachHeadBetweenTheFirst() {
        float[] rows = {0, 1, 2, 3, 10, 11, 12, 13}; // 2 heads of d=4, one column
        assertArrayEquals(new float[] {0, 2, 1, 3, 10, 12, 11, 13}, RopeRows.toInterleaved(rows, 2, 4, 1));
        float[] matrix = {0, 0, 1, 1, 2, 2, 3, 3}; // 1 head of d=4, rows of 2 columns move whole
        assertArrayEquals(new float[] {0, 0, 2, 2, 1, 1, 3, 3}, RopeRows.toInterleaved(matrix, 1, 4, 2));
    }

    @Test
    void rotateHalfOnOurRowsEqualsAdjacentPairsOnTheReorderedRows() {
        SplittableRandom random = new SplittableRandom(3);
        int heads = 3;
        int d = 16;
        double theta = 10000;
        for (int position : new int[] {0, 1, 7, 513}) {
            float[] q = new float[heads * d];
            float[] k = new float[heads * d];
            for (int i = 0; i < q.length; i++) {
                q[i] = (float) random.nextGaussian();
                k[i] = (float) random.nextGaussian();
            }
            double[] oursQ = rotateHalf(q, heads, d, position, theta);
            double[] oursK = rotateHalf(k, heads, d, position + 3, theta);
            double[] llamaQ = adjacentPairs(RopeRows.toInterleaved(q, heads, d, 1), heads, d, position, theta);
            double[] llamaK = adjacentPairs(RopeRows.toInterleaved(k, heads, d, 1), heads, d, position + 3, theta);
            for (int h = 0; h < heads; h++) {
                double ours = 0;
                double theirs = 0;
                for (int i = 0; i < d; i++) {
                    ours += oursQ[h * d + i] * oursK[h * d + i];
                    theirs += llamaQ[h * d + i] * llamaK[h * d + i];
                }
                assertEquals(ours, theirs, 1e-9 * (1 + Math.abs(ours)), "head " + h + " at position " + position);
            }
        }
    }

    /** plt-spec section 5: pairs (i, i + d/2), frequency theta^(-2i/d). */
    private static double[] rotateHalf(float[] x, int heads, int d, int pos, double theta) {
        double[] out = new double[x.length];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < d / 2; i++) {
                double angle = pos * Math.pow(theta, -2.0 * i / d);
                double a = x[h * d + i];
                double b = x[h * d + i + d / 2];
                out[h * d + i] = a * Math.cos(angle) - b * Math.sin(angle);
                out[h * d + i + d / 2] = a * Math.sin(angle) + b * Math.cos(angle);
            }
        }
        return out;
    }

    /** llama.cpp's "normal" RoPE: pairs (2i, 2i + 1), the same frequency for pair i. */
    private static double[] adjacentPairs(float[] x, int heads, int d, int pos, double theta) {
        double[] out = new double[x.length];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < d / 2; i++) {
                double angle = pos * Math.pow(theta, -2.0 * i / d);
                double a = x[h * d + 2 * i];
                double b = x[h * d + 2 * i + 1];
                out[h * d + 2 * i] = a * Math.cos(angle) - b * Math.sin(angle);
                out[h * d + 2 * i + 1] = a * Math.sin(angle) + b * Math.cos(angle);
            }
        }
        return out;
    }
}
