package dev.plt.model.io;

/**
 * IEEE 754 binary16 ("half", safetensors F16) conversions. Java 17 has no {@code Float.float16ToFloat}
 * (added in Java 20), so both directions are written out here.
 */
public final class Float16 {
    private Float16() {
    }

    /** Exact widening of f16 bits to f32 (every f16 value, subnormals included, is representable). */
    public static float toFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0x1F) {
            // Inf (mant == 0) or NaN; the payload moves to the top of the f32 mantissa.
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mant << 13));
        }
        if (exp == 0) {
            // Zero or subnormal: mant * 2^-24, exact in f32 since mant < 2^10.
            float magnitude = mant * 0x1p-24f;
            return sign != 0 ? -magnitude : magnitude;
        }
        // Normal: rebias the exponent from 15 to 127.
        return Float.intBitsToFloat(sign | ((exp + (127 - 15)) << 23) | (mant << 13));
    }

    /** f32 to f16 bits, rounding to nearest, ties to even; overflow gives infinity, NaN stays NaN. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7FFF_FFFF;
        if (abs >= 0x7F80_0000) {
            if (abs == 0x7F80_0000) {
                return (short) (sign | 0x7C00);
            }
            // NaN: keep the payload's high bits, force the quiet bit so it cannot become infinity.
            return (short) (sign | 0x7E00 | ((abs >>> 13) & 0x3FF));
        }
        if (abs >= 0x477F_F000) {
            // >= 65520, the midpoint between the largest half (65504) and 2^16: rounds to infinity
            // (the tie goes to the even neighbour, which is 2^16).
            return (short) (sign | 0x7C00);
        }
        if (abs >= 0x3880_0000) {
            // Normal half (>= 2^-14): rebias, then round the 13 dropped bits to nearest even. A carry
            // out of the mantissa correctly bumps the exponent.
            int rebased = abs - ((127 - 15) << 23);
            int rounding = 0x0FFF + ((rebased >>> 13) & 1);
            return (short) (sign | ((rebased + rounding) >>> 13));
        }
        // Subnormal half or zero: the result is round(|f| * 2^24) units of 2^-24. The scaling is exact
        // and Math.rint rounds ties to even; 1024 lands on the smallest normal's encoding, as it should.
        int units = (int) Math.rint(Math.abs((double) f) * 0x1p24);
        return (short) (sign | units);
    }
}
