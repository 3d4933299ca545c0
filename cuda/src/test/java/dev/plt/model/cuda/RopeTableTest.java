package dev.plt.model.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The device's RoPE table holds the same floats the CPU engine rotates by (computed in double, then cast). */
class RopeTableTest {
    @Test
    void tableMatchesTheRotaryFormula() {
        int headDim = 16;
        double theta = 10000.0;
        double[] inv = RopeTable.inverseFrequencies(headDim, theta);
        float[] cos = RopeTable.table(inv, 300, false);
        float[] sin = RopeTable.table(inv, 300, true);
        for (int p : new int[] {0, 1, 7, 299}) {
            for (int i = 0; i < headDim / 2; i++) {
                double angle = p * Math.pow(theta, -2.0 * i / headDim);
                assertEquals((float) Math.cos(angle), cos[p * headDim / 2 + i], 0f);
                assertEquals((float) Math.sin(angle), sin[p * headDim / 2 + i], 0f);
            }
        }
    }

    @Test
    void growsByDoublingFromAtLeast256Positions() {
        CapturingGpu gpu = new CapturingGpu();
        try (RopeTable rope = new RopeTable(gpu, 8, 10000.0)) {
            rope.ensurePositions(10);
            long first = rope.cos();
            rope.ensurePositions(200);
            assertEquals(first, rope.cos(), "256 positions were made at once");
            rope.ensurePositions(257);
            assertEquals(true, rope.cos() != first);
        }
    }
}
