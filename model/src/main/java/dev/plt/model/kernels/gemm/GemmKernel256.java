package dev.plt.model.kernels.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

import static dev.plt.model.kernels.gemm.PackedGemm.MR;
import static dev.plt.model.kernels.gemm.PackedGemm.NR;

/**
 * {@link GemmKernel} for 256-bit vectors. Edit this file only, then copy it to the other shapes with
 * {@code GemmKernel256}, {@code SPECIES_256} and {@code 256-bit} renamed (see {@link GemmKernel}).
 */
final class GemmKernel256 implements GemmKernel {
    static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_256;
    /** Same lane count as FLOATS, half the bits: bf16 weights are loaded as shorts, then widened. */
    static final VectorSpecies<Short> SHORTS =
            VectorSpecies.of(short.class, VectorShape.forBitSize(FLOATS.vectorBitSize() / 2));
    static final VectorSpecies<Integer> INTS = FLOATS.withLanes(int.class);
    static final int LANES = FLOATS.length();

    /* Every vector is cast to this shape's exact class, so that a second shape in the same JVM does not
       make the Vector API's call sites polymorphic (see VectorLoops512's FLOAT_CLASS). */
    @SuppressWarnings("unchecked")
    private static final Class<FloatVector> FLOAT_CLASS = (Class<FloatVector>) (Class<?>) FLOATS.vectorType();
    @SuppressWarnings("unchecked")
    private static final Class<ShortVector> SHORT_CLASS = (Class<ShortVector>) (Class<?>) SHORTS.vectorType();
    @SuppressWarnings("unchecked")
    private static final Class<IntVector> INT_CLASS = (Class<IntVector>) (Class<?>) INTS.vectorType();

    /* The shuffles and masks of sumLanes' steps at distance h: lane j takes lane j - h (RIGHT) or j + h (LEFT),
       and ODD selects the lanes whose bit h is set. Steps wider than the vector are never used. */
    private static final VectorShuffle<Float> RIGHT_8 = VectorShuffle.iota(FLOATS, LANES - 8, 1, true);
    private static final VectorShuffle<Float> LEFT_8 = VectorShuffle.iota(FLOATS, 8, 1, true);
    private static final VectorMask<Float> ODD_8 = laneBitMask(8);
    private static final VectorShuffle<Float> RIGHT_4 = VectorShuffle.iota(FLOATS, LANES - 4, 1, true);
    private static final VectorShuffle<Float> LEFT_4 = VectorShuffle.iota(FLOATS, 4, 1, true);
    private static final VectorMask<Float> ODD_4 = laneBitMask(4);
    private static final VectorShuffle<Float> RIGHT_2 = VectorShuffle.iota(FLOATS, LANES - 2, 1, true);
    private static final VectorShuffle<Float> LEFT_2 = VectorShuffle.iota(FLOATS, 2, 1, true);
    private static final VectorMask<Float> ODD_2 = laneBitMask(2);
    private static final VectorShuffle<Float> RIGHT_1 = VectorShuffle.iota(FLOATS, LANES - 1, 1, true);
    private static final VectorShuffle<Float> LEFT_1 = VectorShuffle.iota(FLOATS, 1, 1, true);
    private static final VectorMask<Float> ODD_1 = laneBitMask(1);
    /** Lane m takes lane bitReverse(m), where sumLanes' last step leaves accumulator m's sum. */
    private static final VectorShuffle<Float> BIT_REVERSED = VectorShuffle.fromArray(FLOATS, bitReversed(), 0);

    private static VectorMask<Float> laneBitMask(int h) {
        boolean[] bits = new boolean[LANES];
        for (int j = 0; j < LANES; j++) {
            bits[j] = (j & h) != 0;
        }
        return VectorMask.fromArray(FLOATS, bits, 0);
    }

    /** m with its log2(LANES) bits reversed, for m in [0, LANES). */
    private static int[] bitReversed() {
        int[] reversed = new int[LANES];
        for (int m = 0; m < LANES; m++) {
            int r = 0;
            for (int bit = 1, mirror = LANES / 2; bit < LANES; bit <<= 1, mirror >>= 1) {
                if ((m & bit) != 0) {
                    r |= mirror;
                }
            }
            reversed[m] = r;
        }
        return reversed;
    }

    @Override
    public int lanes() {
        return LANES;
    }

    @Override
    public void packWeightsF32(float[] w, int cols, int o0, int count, int chunks, float[] dst) {
        int panelSize = chunks * NR * LANES;
        for (int j = 0; j < count; j++) {
            int src = (o0 + j) * cols;
            int d = (j / NR) * panelSize + (j % NR) * LANES;
            for (int c = 0; c < chunks; c++) {
                load(w, src + c * LANES).intoArray(dst, d + c * NR * LANES);
            }
        }
        zeroPadding(count, NR, chunks, dst);
    }

    @Override
    public void packWeightsBf16(short[] w, int cols, int o0, int count, int chunks, float[] dst) {
        int panelSize = chunks * NR * LANES;
        for (int j = 0; j < count; j++) {
            int src = (o0 + j) * cols;
            int d = (j / NR) * panelSize + (j % NR) * LANES;
            for (int c = 0; c < chunks; c++) {
                loadBf16(w, src + c * LANES).intoArray(dst, d + c * NR * LANES);
            }
        }
        zeroPadding(count, NR, chunks, dst);
    }

    @Override
    public void packActivations(float[] x, int cols, int rows, int chunks, float[] dst) {
        int stripSize = chunks * MR * LANES;
        for (int i = 0; i < rows; i++) {
            int src = i * cols;
            int d = (i / MR) * stripSize + (i % MR) * LANES;
            for (int c = 0; c < chunks; c++) {
                load(x, src + c * LANES).intoArray(dst, d + c * MR * LANES);
            }
        }
        zeroPadding(rows, MR, chunks, dst);
    }

    /** Zeros for the rows from {@code count} to the end of the last group of {@code height} rows. */
    private static void zeroPadding(int count, int height, int chunks, float[] dst) {
        int groupSize = chunks * height * LANES;
        int base = (count / height) * groupSize;
        for (int j = count % height; j != 0 && j < height; j++) {
            for (int c = 0; c < chunks; c++) {
                int d = base + (c * height + j) * LANES;
                Arrays.fill(dst, d, d + LANES, 0f);
            }
        }
    }

    /**
     * 6 activation rows x 4 weight rows: 24 accumulators, 4 weight vectors and 1 activation vector in
     * the 32 vector registers of AVX-512 (AVX2 has 16: the JIT spills, same results, slower). Per chunk,
     * 10 loads feed 24 multiply-adds, against 8 for 16 in the mat-vec's 4x4 tile; both packed operands
     * are read as one contiguous stream each. aIJ: activation row I, weight row J.
     *
     * <p>The accumulators leave as whole vectors, for {@link #sumLanes}: 24 inlined lane sums (4 shuffles
     * each) made this method too large for C2, which then left some vector operations unintrinsified
     * (boxed, 3-4x slower in a profile).
     */
    @Override
    public void tile(float[] pw, int wOff, float[] px, int xOff, int chunks, float[] partials) {
        FloatVector a00 = broadcast(0f);
        FloatVector a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        FloatVector a40 = a00, a41 = a00, a42 = a00, a43 = a00;
        FloatVector a50 = a00, a51 = a00, a52 = a00, a53 = a00;
        int wEnd = wOff + chunks * NR * LANES;
        for (int wi = wOff, xi = xOff; wi < wEnd; wi += NR * LANES, xi += MR * LANES) {
            FloatVector w0 = load(pw, wi);
            FloatVector w1 = load(pw, wi + LANES);
            FloatVector w2 = load(pw, wi + 2 * LANES);
            FloatVector w3 = load(pw, wi + 3 * LANES);
            FloatVector xv = load(px, xi);
            a00 = w0.fma(xv, a00);
            a01 = w1.fma(xv, a01);
            a02 = w2.fma(xv, a02);
            a03 = w3.fma(xv, a03);
            xv = load(px, xi + LANES);
            a10 = w0.fma(xv, a10);
            a11 = w1.fma(xv, a11);
            a12 = w2.fma(xv, a12);
            a13 = w3.fma(xv, a13);
            xv = load(px, xi + 2 * LANES);
            a20 = w0.fma(xv, a20);
            a21 = w1.fma(xv, a21);
            a22 = w2.fma(xv, a22);
            a23 = w3.fma(xv, a23);
            xv = load(px, xi + 3 * LANES);
            a30 = w0.fma(xv, a30);
            a31 = w1.fma(xv, a31);
            a32 = w2.fma(xv, a32);
            a33 = w3.fma(xv, a33);
            xv = load(px, xi + 4 * LANES);
            a40 = w0.fma(xv, a40);
            a41 = w1.fma(xv, a41);
            a42 = w2.fma(xv, a42);
            a43 = w3.fma(xv, a43);
            xv = load(px, xi + 5 * LANES);
            a50 = w0.fma(xv, a50);
            a51 = w1.fma(xv, a51);
            a52 = w2.fma(xv, a52);
            a53 = w3.fma(xv, a53);
        }
        a00.intoArray(partials, 0);
        a01.intoArray(partials, 1 * LANES);
        a02.intoArray(partials, 2 * LANES);
        a03.intoArray(partials, 3 * LANES);
        a10.intoArray(partials, 4 * LANES);
        a11.intoArray(partials, 5 * LANES);
        a12.intoArray(partials, 6 * LANES);
        a13.intoArray(partials, 7 * LANES);
        a20.intoArray(partials, 8 * LANES);
        a21.intoArray(partials, 9 * LANES);
        a22.intoArray(partials, 10 * LANES);
        a23.intoArray(partials, 11 * LANES);
        a30.intoArray(partials, 12 * LANES);
        a31.intoArray(partials, 13 * LANES);
        a32.intoArray(partials, 14 * LANES);
        a33.intoArray(partials, 15 * LANES);
        a40.intoArray(partials, 16 * LANES);
        a41.intoArray(partials, 17 * LANES);
        a42.intoArray(partials, 18 * LANES);
        a43.intoArray(partials, 19 * LANES);
        a50.intoArray(partials, 20 * LANES);
        a51.intoArray(partials, 21 * LANES);
        a52.intoArray(partials, 22 * LANES);
        a53.intoArray(partials, 23 * LANES);
    }

    /**
     * The lane sums of LANES accumulators at a time, with the additions of VectorLoops' {@code sumLanes}
     * tree (lane j += lane (j + h) mod LANES for h = LANES/2 .. 1, keeping lane 0) done for all of them
     * together: at step h, a pair of vectors (P, Q) becomes one whose lanes with bit h clear carry P's partial
     * sums and the others Q's, each lane the sum of the two lanes h apart of its own accumulator, the same
     * addition as the tree's. After the last step lane l holds accumulator {@code bitReverse(l)}'s sum. About
     * 5 vector operations per pair instead of 4 shuffles, 4 adds and an extraction per accumulator.
     */
    @Override
    public void sumLanes(float[] partials, int count, float[] sums) {
        for (int group = 0; group * LANES < count; group++) {
            int base = group * LANES * LANES;
            // only the group's live accumulators: the lanes a missing one would fill are never read
            int vectors = Math.min(LANES, count - group * LANES);
            if (LANES >= 16) {
                vectors = pairStep(partials, base, vectors, RIGHT_8, LEFT_8, ODD_8);
            }
            if (LANES >= 8) {
                vectors = pairStep(partials, base, vectors, RIGHT_4, LEFT_4, ODD_4);
            }
            vectors = pairStep(partials, base, vectors, RIGHT_2, LEFT_2, ODD_2);
            pairStep(partials, base, vectors, RIGHT_1, LEFT_1, ODD_1);
            load(partials, base).rearrange(BIT_REVERSED).intoArray(sums, group * LANES);
        }
    }

    /**
     * One step of {@link #sumLanes} at distance h, in place: the pair of vectors 2k, 2k + 1 from {@code base}
     * becomes vector k (it has been read by then). An odd last vector is paired with whatever follows it in
     * {@code v}: those lanes belong to no live accumulator. Returns the number of vectors left.
     */
    private static int pairStep(float[] v, int base, int vectors, VectorShuffle<Float> right,
                                VectorShuffle<Float> left, VectorMask<Float> odd) {
        int pairs = (vectors + 1) / 2;
        for (int k = 0; k < pairs; k++) {
            FloatVector p = load(v, base + 2 * k * LANES);
            FloatVector q = load(v, base + (2 * k + 1) * LANES);
            FloatVector low = p.blend(q.rearrange(right), odd);  // P's lane j, Q's lane j - h
            FloatVector high = p.rearrange(left).blend(q, odd);  // P's lane j + h, Q's lane j
            low.add(high).intoArray(v, base + k * LANES);
        }
        return pairs;
    }

    private static FloatVector load(float[] a, int offset) {
        return FLOAT_CLASS.cast(FloatVector.fromArray(FLOATS, a, offset));
    }

    private static FloatVector broadcast(float value) {
        return FLOAT_CLASS.cast(FloatVector.broadcast(FLOATS, value));
    }

    /** LANES bf16 values widened exactly: sign-extend to int (those bits are shifted out), shift left by 16. */
    private static FloatVector loadBf16(short[] w, int offset) {
        ShortVector bits = SHORT_CLASS.cast(ShortVector.fromArray(SHORTS, w, offset));
        IntVector widened = INT_CLASS.cast(bits.convertShape(VectorOperators.S2I, INTS, 0));
        return FLOAT_CLASS.cast(widened.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats());
    }
}
