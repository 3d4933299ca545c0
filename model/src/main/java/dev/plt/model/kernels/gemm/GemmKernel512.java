package dev.plt.model.kernels.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

import static dev.plt.model.kernels.gemm.PackedGemm.MR;
import static dev.plt.model.kernels.gemm.PackedGemm.NR;

/**
 * {@link GemmKernel} for 512-bit vectors. Edit this file only, then copy it to the other shapes with
 * {@code GemmKernel512}, {@code SPECIES_512} and {@code 512-bit} renamed (see {@link GemmKernel}).
 */
final class GemmKernel512 implements GemmKernel {
    static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_512;
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

    /** The steps of the lane-sum tree: exactly those of VectorLoops' sumLanes, so results match the mat-vec. */
    private static final VectorShuffle<Float> ROTATE_8 = VectorShuffle.iota(FLOATS, 8, 1, true);
    private static final VectorShuffle<Float> ROTATE_4 = VectorShuffle.iota(FLOATS, 4, 1, true);
    private static final VectorShuffle<Float> ROTATE_2 = VectorShuffle.iota(FLOATS, 2, 1, true);
    private static final VectorShuffle<Float> ROTATE_1 = VectorShuffle.iota(FLOATS, 1, 1, true);

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
     */
    @Override
    public void tile(float[] pw, int wOff, float[] px, int xOff, int chunks, float[] sums) {
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
        sums[0] = sumLanes(a00);
        sums[1] = sumLanes(a01);
        sums[2] = sumLanes(a02);
        sums[3] = sumLanes(a03);
        sums[4] = sumLanes(a10);
        sums[5] = sumLanes(a11);
        sums[6] = sumLanes(a12);
        sums[7] = sumLanes(a13);
        sums[8] = sumLanes(a20);
        sums[9] = sumLanes(a21);
        sums[10] = sumLanes(a22);
        sums[11] = sumLanes(a23);
        sums[12] = sumLanes(a30);
        sums[13] = sumLanes(a31);
        sums[14] = sumLanes(a32);
        sums[15] = sumLanes(a33);
        sums[16] = sumLanes(a40);
        sums[17] = sumLanes(a41);
        sums[18] = sumLanes(a42);
        sums[19] = sumLanes(a43);
        sums[20] = sumLanes(a50);
        sums[21] = sumLanes(a51);
        sums[22] = sumLanes(a52);
        sums[23] = sumLanes(a53);
    }

    /** The fixed pairwise tree of VectorLoops' sumLanes: lane j += lane j + h for h = LANES/2 .. 1, then lane 0. */
    private static float sumLanes(FloatVector v) {
        if (LANES >= 16) {
            v = v.add(v.rearrange(ROTATE_8));
        }
        if (LANES >= 8) {
            v = v.add(v.rearrange(ROTATE_4));
        }
        v = v.add(v.rearrange(ROTATE_2));
        v = v.add(v.rearrange(ROTATE_1));
        return v.lane(0);
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
