package dev.plt.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Float16Test {
    private static short h(int bits) {
        return (short) bits;
    }

    @Test
    void widensKnownEncodings() {
        assertEquals(1.0f, Float16.toFloat(h(0x3C00)));
        assertEquals(-2.0f, Float16.toFloat(h(0xC000)));
        assertEquals(65504f, Float16.toFloat(h(0x7BFF)));
        assertEquals(0.333251953125f, Float16.toFloat(h(0x3555)));
        assertEquals(0x1p-14f, Float16.toFloat(h(0x0400)), "smallest normal");
        assertEquals(0x1p-24f, Float16.toFloat(h(0x0001)), "smallest subnormal");
        assertEquals(1023 * 0x1p-24f, Float16.toFloat(h(0x03FF)), "largest subnormal");
        assertEquals(Float.POSITIVE_INFINITY, Float16.toFloat(h(0x7C00)));
        assertEquals(Float.NEGATIVE_INFINITY, Float16.toFloat(h(0xFC00)));
        assertTrue(Float.isNaN(Float16.toFloat(h(0x7E00))));
        assertTrue(Float.isNaN(Float16.toFloat(h(0x7C01))), "signalling NaN stays NaN");
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(Float16.toFloat(h(0x8000))));
    }

    @Test
    void narrowsWithRoundToNearestEven() {
        assertEquals(h(0x3C00), Float16.fromFloat(1.0f));
        assertEquals(h(0x8000), Float16.fromFloat(-0.0f));
        // 1 + 2^-11 lies exactly between 1.0 (0x3C00, even) and 1 + 2^-10 (0x3C01): ties go to even.
        assertEquals(h(0x3C00), Float16.fromFloat(1 + 0x1p-11f));
        // 1 + 3*2^-11 lies between 0x3C01 (odd) and 0x3C02 (even).
        assertEquals(h(0x3C02), Float16.fromFloat(1 + 3 * 0x1p-11f));
        // Just above the tie rounds up.
        assertEquals(h(0x3C01), Float16.fromFloat(1 + 0x1p-11f + 0x1p-20f));
        assertEquals(h(0xBC01), Float16.fromFloat(-(1 + 0x1p-11f + 0x1p-20f)));
        // Mantissa carry into the exponent: 2 - 2^-12 is nearer 2.0 than 2 - 2^-10.
        assertEquals(h(0x4000), Float16.fromFloat(2 - 0x1p-12f));
    }

    @Test
    void narrowsOverflowAndSubnormals() {
        assertEquals(h(0x7BFF), Float16.fromFloat(65504f));
        assertEquals(h(0x7BFF), Float16.fromFloat(65519.996f), "below the midpoint to 2^16");
        assertEquals(h(0x7C00), Float16.fromFloat(65520f), "the midpoint ties to even = infinity");
        assertEquals(h(0xFC00), Float16.fromFloat(-1e6f));
        assertEquals(h(0x7C00), Float16.fromFloat(Float.POSITIVE_INFINITY));
        assertEquals(h(0x0001), Float16.fromFloat(0x1p-24f));
        assertEquals(h(0x0000), Float16.fromFloat(0x1p-25f), "half the smallest subnormal ties to 0");
        assertEquals(h(0x0002), Float16.fromFloat(3 * 0x1p-25f), "1.5 units ties to 2");
        assertEquals(h(0x0000), Float16.fromFloat(0x1p-26f));
        assertEquals(h(0x0400), Float16.fromFloat(0x1p-14f - 0x1p-25f), "rounds up into the normals");
        assertTrue(Float.isNaN(Float16.toFloat(Float16.fromFloat(Float.NaN))));
    }

    @Test
    void everyHalfValueRoundTripsExactly() {
        for (int i = 0; i < 0x10000; i++) {
            int bits = i;
            float f = Float16.toFloat(h(bits));
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(Float16.toFloat(Float16.fromFloat(f))));
            } else {
                assertEquals(bits, Float16.fromFloat(f) & 0xFFFF, () -> "f16 bits 0x" + Integer.toHexString(bits));
            }
        }
    }
}
