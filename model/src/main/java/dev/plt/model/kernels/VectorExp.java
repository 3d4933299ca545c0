package dev.plt.model.kernels;

/**
 * {@code exp(x)} for floats from basic IEEE operations only. The vector form ({@code exp(FloatVector)} in
 * each {@link VectorLoops} class) performs the very same operations in the same order, lane-wise, so both
 * give bit-identical results.
 *
 * <p>Why not {@code VectorOperators.EXP} and {@code Math.exp}: a vector loop has a scalar tail, so an
 * element is computed by vector code in one batch and by tail code in another (its position relative to
 * the loop bound moves with the batch size); the two must agree bitwise for batch-invariant results.
 * {@code VectorOperators.EXP} may also be computed by different code once the JIT compiles it (an
 * intrinsic vs. per-lane {@code Math.exp}), which would make results change during warm-up.
 *
 * <p>Method: {@code x = k ln2 + r} with integer {@code k} and {@code |r| <= ln2/2} (Cody-Waite, two-part
 * ln2), {@code exp(r)} by a degree-7 Taylor polynomial (error below 1e-8 relative), and {@code 2^k} built in
 * the exponent bits. Accuracy is about 1-2 ulp; inputs are clamped to [-87, 88] so that {@code 2^k} stays a
 * normal float (results below e^-87 ~ 1.6e-38 are returned as e^-87; above e^88 as e^88).
 */
final class VectorExp {
    private VectorExp() {
    }

    static final float LO = -87f;
    static final float HI = 88f;
    static final float LOG2E = 1.44269504088896341f;
    /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer held in the low mantissa bits. */
    static final float ROUNDER = 12582912f;
    static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);
    static final float LN2_HI = 0.693145751953125f; // few mantissa bits: k * LN2_HI is exact
    static final float LN2_LO = 1.42860682030941723212e-6f;
    static final float C2 = 1f / 2;
    static final float C3 = 1f / 6;
    static final float C4 = 1f / 24;
    static final float C5 = 1f / 120;
    static final float C6 = 1f / 720;
    static final float C7 = 1f / 5040;

    static float exp(float x) {
        x = Math.min(Math.max(x, LO), HI);
        float t = x * LOG2E + ROUNDER;
        float k = t - ROUNDER;
        int kBits = Float.floatToRawIntBits(t) - ROUNDER_BITS;
        float r = Math.fma(k, -LN2_HI, x);
        r = Math.fma(k, -LN2_LO, r);
        float p = C7;
        p = Math.fma(p, r, C6);
        p = Math.fma(p, r, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        float scale = Float.intBitsToFloat((kBits + 127) << 23);
        return p * scale;
    }
}
