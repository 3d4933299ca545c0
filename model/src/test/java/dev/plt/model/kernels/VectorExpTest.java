package dev.plt.model.kernels;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VectorExpTest {
    @Test
    void closeToMathExpOverTheWholeRange() {
        double worst = 0;
        for (float x = -87f; x <= 88f; x += 0.0137f) {
            double expected = Math.exp(x);
            double rel = Math.abs(VectorExp.exp(x) - expected) / expected;
            worst = Math.max(worst, rel);
        }
        assertTrue(worst < 3e-7, "worst relative error " + worst); // about 2 ulp
    }

    @Test
    void exactWhereItShouldBe() {
        assertEquals(1f, VectorExp.exp(0f));
        assertEquals(1f, VectorExp.exp(-0f));
        assertEquals((float) Math.E, VectorExp.exp(1f), Math.ulp((float) Math.E));
    }

    @Test
    void clampsInsteadOfOverflowing() {
        assertEquals(VectorExp.exp(88f), VectorExp.exp(1000f));
        assertEquals(VectorExp.exp(-87f), VectorExp.exp(-1000f));
        assertTrue(Float.isFinite(VectorExp.exp(Float.POSITIVE_INFINITY)));
        assertTrue(VectorExp.exp(-87f) > 0);
        assertTrue(Float.isNaN(VectorExp.exp(Float.NaN)));
    }
}
