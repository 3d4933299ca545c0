package dev.plt.model.kernels;

import dev.plt.model.weights.Bf16Matrix;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorLoops} for 256-bit vectors. Edit this file only, then copy it to the other shapes with
 * {@code VectorLoops256}, {@code SPECIES_256} and {@code 256-bit} renamed (see {@link VectorLoops}): nothing
 * here may depend on the width other than through the constants below.
 */
final class VectorLoops256 implements VectorLoops {
    /** {@code static final}, so the JIT compiles Vector API calls to vector instructions. */
    static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_256;
    /** Same lane count as FLOATS, half the bits: bf16 weights are loaded as shorts, then widened. */
    static final VectorSpecies<Short> SHORTS =
            VectorSpecies.of(short.class, VectorShape.forBitSize(FLOATS.vectorBitSize() / 2));
    /** Same shape as FLOATS: widened bf16 bits before they are reinterpreted as floats. */
    static final VectorSpecies<Integer> INTS = FLOATS.withLanes(int.class);
    static final int LANES = FLOATS.length();

    /*
     * This shape's concrete vector classes. Every vector that enters a computation (a load, a broadcast, a
     * reinterpretation) is cast to them: that tells the JIT the exact type, so it does not consult type
     * profiles, which the Vector API's methods share between all shapes. Without the casts, using a second
     * shape in the same JVM (a 256 vs 512 benchmark) makes those calls two-way and every vector gets boxed:
     * 10x slower.
     */
    @SuppressWarnings("unchecked")
    private static final Class<FloatVector> FLOAT_CLASS = (Class<FloatVector>) (Class<?>) FLOATS.vectorType();
    @SuppressWarnings("unchecked")
    private static final Class<ShortVector> SHORT_CLASS = (Class<ShortVector>) (Class<?>) SHORTS.vectorType();
    @SuppressWarnings("unchecked")
    private static final Class<IntVector> INT_CLASS = (Class<IntVector>) (Class<?>) INTS.vectorType();

    /** Lane j takes lane j + h (wrapping): the steps of the fixed lane-sum tree in {@link #sumLanes}. */
    private static final VectorShuffle<Float> ROTATE_8 = VectorShuffle.iota(FLOATS, 8, 1, true);
    private static final VectorShuffle<Float> ROTATE_4 = VectorShuffle.iota(FLOATS, 4, 1, true);
    private static final VectorShuffle<Float> ROTATE_2 = VectorShuffle.iota(FLOATS, 2, 1, true);
    private static final VectorShuffle<Float> ROTATE_1 = VectorShuffle.iota(FLOATS, 1, 1, true);

    @Override
    public int bits() {
        return FLOATS.vectorBitSize();
    }

    @Override
    public int lanes() {
        return LANES;
    }

    // ---------------------------------------------------------------------------------------------
    // matmul and dot products. Every output element takes the same steps whatever tile computes it:
    // one accumulator, fma over [0, loopBound(n)) in vector steps, sumLanes, then the scalar tail.

    @Override
    public void matmulF32(float[] w, int cols, int outCols, float[] x, int rows, float[] out, int o0, int o1) {
        int blockRows = VectorKernels.weightBlockRows(cols, Float.BYTES);
        for (int b0 = o0; b0 < o1; b0 += blockRows) {
            int b1 = Math.min(o1, b0 + blockRows);
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                int o = b0;
                for (; o + 4 <= b1; o += 4) {
                    tile4x4F32(w, o * cols, x, r * cols, cols, out, r * outCols + o, outCols);
                }
                for (; o < b1; o++) {
                    tile1x4F32(w, o * cols, x, r * cols, cols, out, r * outCols + o, outCols);
                }
            }
            int left = rows - r; // 0 to 3 rows: one tile height each, so weights are read once for all
            if (left > 0) {
                int o = b0;
                for (; o + 4 <= b1; o += 4) {
                    int wOff = o * cols;
                    int outOff = r * outCols + o;
                    switch (left) {
                        case 1 -> tile4x1F32(w, wOff, x, r * cols, cols, out, outOff);
                        case 2 -> tile4x2F32(w, wOff, x, r * cols, cols, out, outOff, outCols);
                        default -> tile4x3F32(w, wOff, x, r * cols, cols, out, outOff, outCols);
                    }
                }
                for (; o < b1; o++) {
                    for (int rr = r; rr < rows; rr++) {
                        out[rr * outCols + o] = dotF32(w, o * cols, x, rr * cols, cols);
                    }
                }
            }
        }
    }

    @Override
    public float dotF32(float[] w, int wOff, float[] x, int xOff, int n) {
        FloatVector acc = broadcast(0f);
        int bound = FLOATS.loopBound(n);
        for (int i = 0; i < bound; i += LANES) {
            acc = load(w, wOff + i).fma(load(x, xOff + i), acc);
        }
        return tailF32(sumLanes(acc), w, wOff, x, xOff, bound, n);
    }

    /**
     * 4 weight rows (at {@code wOff + k * n}) against 4 activation rows (at {@code xOff + j * n}):
     * {@code out[outOff + j * outStride + k]}. Each loaded vector serves 4 multiply-adds, so weights and
     * activations are each read once per 4 outputs. The 16 accumulators and 5 operands fit in 32 vector
     * registers (x86 with AVX-512 has 32 at every width, ARM too; AVX2-only x86 has 16, where the JIT spills
     * some to the stack: slower, same results). Every accumulator takes exactly the steps of
     * {@link #dotF32}, then the same lane sum and tail.
     */
    private static void tile4x4F32(float[] w, int wOff, float[] x, int xOff, int n, float[] out, int outOff,
                                   int outStride) {
        int w0 = wOff;
        int w1 = w0 + n;
        int w2 = w1 + n;
        int w3 = w2 + n;
        int x0 = xOff;
        int x1 = x0 + n;
        int x2 = x1 + n;
        int x3 = x2 + n;
        // aKJ: weight row K, activation row J
        FloatVector a00 = broadcast(0f);
        FloatVector a10 = a00, a20 = a00, a30 = a00;
        FloatVector a01 = a00, a11 = a00, a21 = a00, a31 = a00;
        FloatVector a02 = a00, a12 = a00, a22 = a00, a32 = a00;
        FloatVector a03 = a00, a13 = a00, a23 = a00, a33 = a00;
        int bound = FLOATS.loopBound(n);
        for (int i = 0; i < bound; i += LANES) {
            FloatVector v0 = load(w, w0 + i);
            FloatVector v1 = load(w, w1 + i);
            FloatVector v2 = load(w, w2 + i);
            FloatVector v3 = load(w, w3 + i);
            FloatVector xv = load(x, x0 + i);
            a00 = v0.fma(xv, a00);
            a10 = v1.fma(xv, a10);
            a20 = v2.fma(xv, a20);
            a30 = v3.fma(xv, a30);
            xv = load(x, x1 + i);
            a01 = v0.fma(xv, a01);
            a11 = v1.fma(xv, a11);
            a21 = v2.fma(xv, a21);
            a31 = v3.fma(xv, a31);
            xv = load(x, x2 + i);
            a02 = v0.fma(xv, a02);
            a12 = v1.fma(xv, a12);
            a22 = v2.fma(xv, a22);
            a32 = v3.fma(xv, a32);
            xv = load(x, x3 + i);
            a03 = v0.fma(xv, a03);
            a13 = v1.fma(xv, a13);
            a23 = v2.fma(xv, a23);
            a33 = v3.fma(xv, a33);
        }
        out[outOff] = tailF32(sumLanes(a00), w, w0, x, x0, bound, n);
        out[outOff + 1] = tailF32(sumLanes(a10), w, w1, x, x0, bound, n);
        out[outOff + 2] = tailF32(sumLanes(a20), w, w2, x, x0, bound, n);
        out[outOff + 3] = tailF32(sumLanes(a30), w, w3, x, x0, bound, n);
        out[outOff + outStride] = tailF32(sumLanes(a01), w, w0, x, x1, bound, n);
        out[outOff + outStride + 1] = tailF32(sumLanes(a11), w, w1, x, x1, bound, n);
        out[outOff + outStride + 2] = tailF32(sumLanes(a21), w, w2, x, x1, bound, n);
        out[outOff + outStride + 3] = tailF32(sumLanes(a31), w, w3, x, x1, bound, n);
        out[outOff + 2 * outStride] = tailF32(sumLanes(a02), w, w0, x, x2, bound, n);
        out[outOff + 2 * outStride + 1] = tailF32(sumLanes(a12), w, w1, x, x2, bound, n);
        out[outOff + 2 * outStride + 2] = tailF32(sumLanes(a22), w, w2, x, x2, bound, n);
        out[outOff + 2 * outStride + 3] = tailF32(sumLanes(a32), w, w3, x, x2, bound, n);
        out[outOff + 3 * outStride] = tailF32(sumLanes(a03), w, w0, x, x3, bound, n);
        out[outOff + 3 * outStride + 1] = tailF32(sumLanes(a13), w, w1, x, x3, bound, n);
        out[outOff + 3 * outStride + 2] = tailF32(sumLanes(a23), w, w2, x, x3, bound, n);
        out[outOff + 3 * outStride + 3] = tailF32(sumLanes(a33), w, w3, x, x3, bound, n);
    }

    /**
     * 1 weight row against 4 activation rows (the weight rows left over from 4x4 tiles):
     * {@code out[outOff + j * outStride]}, each exactly what {@link #dotF32} gives.
     */
    private static void tile1x4F32(float[] w, int wOff, float[] x, int xOff, int n, float[] out, int outOff,
                                   int outStride) {
        int x0 = xOff;
        int x1 = x0 + n;
        int x2 = x1 + n;
        int x3 = x2 + n;
        FloatVector a0 = broadcast(0f);
        FloatVector a1 = a0, a2 = a0, a3 = a0;
        int bound = FLOATS.loopBound(n);
        for (int i = 0; i < bound; i += LANES) {
            FloatVector v = load(w, wOff + i);
            a0 = v.fma(load(x, x0 + i), a0);
            a1 = v.fma(load(x, x1 + i), a1);
            a2 = v.fma(load(x, x2 + i), a2);
            a3 = v.fma(load(x, x3 + i), a3);
        }
        out[outOff] = tailF32(sumLanes(a0), w, wOff, x, x0, bound, n);
        out[outOff + outStride] = tailF32(sumLanes(a1), w, wOff, x, x1, bound, n);
        out[outOff + 2 * outStride] = tailF32(sumLanes(a2), w, wOff, x, x2, bound, n);
        out[outOff + 3 * outStride] = tailF32(sumLanes(a3), w, wOff, x, x3, bound, n);
    }

    /**
     * 4 weight rows against 1 activation row (the rows left over from 4-row tiles, e.g. a 1-row decode
     * step): {@code out[outOff + k]}, each exactly what {@link #dotF32} gives. Four independent
     * accumulators keep the multiply-adds from waiting on each other.
     */
    private static void tile4x1F32(float[] w, int wOff, float[] x, int xOff, int n, float[] out, int outOff) {
        int w0 = wOff;
        int w1 = w0 + n;
        int w2 = w1 + n;
        int w3 = w2 + n;
        FloatVector a0 = broadcast(0f);
        FloatVector a1 = a0, a2 = a0, a3 = a0;
        int bound = FLOATS.loopBound(n);
        for (int i = 0; i < bound; i += LANES) {
            FloatVector xv = load(x, xOff + i);
            a0 = load(w, w0 + i).fma(xv, a0);
            a1 = load(w, w1 + i).fma(xv, a1);
            a2 = load(w, w2 + i).fma(xv, a2);
            a3 = load(w, w3 + i).fma(xv, a3);
        }
        out[outOff] = tailF32(sumLanes(a0), w, w0, x, xOff, bound, n);
        out[outOff + 1] = tailF32(sumLanes(a1), w, w1, x, xOff, bound, n);
        out[outOff + 2] = tailF32(sumLanes(a2), w, w2, x, xOff, bound, n);
        out[outOff + 3] = tailF32(sumLanes(a3), w, w3, x, xOff, bound, n);
    }

    /**
     * 4 weight rows against 2 activation rows (a CLP decode step of a PLT-2 model at batch 1, or
     * the rows left over from 4x4 tiles): {@code out[outOff + j * outStride + k]}, each exactly what
     * {@link #dotF32} gives. Every weight vector is loaded once for the 2 rows, so a step of L rows
     * streams the weights from memory once, like a 1-row step.
     */
    private static void tile4x2F32(float[] w, int wOff, float[] x, int xOff, int n, float[] out, int outOff,
                                   int outStride) {
        int w0 = wOff;
        int w1 = w0 + n;
        int w2 = w1 + n;
        int w3 = w2 + n;
        int x0 = xOff;
        int x1 = x0 + n;
        // aKJ: weight row K, activation row J
        FloatVector a00 = broadcast(0f);
        FloatVector a10 = a00, a20 = a00, a30 = a00;
        FloatVector a01 = a00, a11 = a00, a21 = a00, a31 = a00;
        int bound = FLOATS.loopBound(n);
        for (int i = 0; i < bound; i += LANES) {
            FloatVector v0 = load(w, w0 + i);
            FloatVector v1 = load(w, w1 + i);
            FloatVector v2 = load(w, w2 + i);
            FloatVector v3 = load(w, w3 + i);
            FloatVector xv = load(x, x0 + i);
            a00 = v0.fma(xv, a00);
            a10 = v1.fma(xv, a10);
            a20 = v2.fma(xv, a20);
            a30 = v3.fma(xv, a30);
            xv = load(x, x1 + i);
            a01 = v0.fma(xv, a01);
            a11 = v1.fma(xv, a11);
            a21 = v2.fma(xv, a21);
            a31 = v3.fma(xv, a31);
        }
        out[outOff] = tailF32(sumLanes(a00), w, w0, x, x0, bound, n);
        out[outOff + 1] = tailF32(sumLanes(a10), w, w1, x, x0, bound, n);
        out[outOff + 2] = tailF32(sumLanes(a20), w, w2, x, x0, bound, n);
        out[outOff + 3] = tailF32(sumLanes(a30), w, w3, x, x0, bound, n);
        out[outOff + outStride] = tailF32(sumLanes(a01), w, w0, x, x1, bound, n);
        out[outOff + outStride + 1] = tailF32(sumLanes(a11), w, w1, x, x1, bound, n);
        out[outOff + outStride + 2] = tailF32(sumLanes(a21), w, w2, x, x1, bound, n);
        out[outOff + outStride + 3] = tailF32(sumLanes(a31), w, w3, x, x1, bound, n);
    }

    /**
     * 4 weight rows against 3 activation rows (a CLP decode step of a PLT-3 model at batch 1, or
     * the rows left over from 4x4 tiles): {@code out[outOff + j * outStride + k]}, each exactly what
     * {@link #dotF32} gives. Every weight vector is loaded once for the 3 rows, so a step of L rows
     * streams the weights from memory once, like a 1-row step.
     */
    private static void tile4x3F32(float[] w, int wOff, float[] x, int xOff, int n, float[] out, int outOff,
                                   int outStride) {
        int w0 = wOff;
        int w1 = w0 + n;
        int w2 = w1 + n;
        int w3 = w2 + n;
        int x0 = xOff;
        int x1 = x0 + n;
        int x2 = x1 + n;
        // aKJ: weight row K, activation row J
        FloatVector a00 = broadcast(0f);
        FloatVector a10 = a00, a20 = a00, a30 = a00;
        FloatVector a01 = a00, a11 = a00, a21 = a00, a31 = a00;
        FloatVector a02 = a00, a12 = a00, a22 = a00, a32 = a00;
        int bound = FLOATS.loopBound(n);
        for (int i = 0; i < bound; i += LANES) {
            FloatVector v0 = load(w, w0 + i);
            FloatVector v1 = load(w, w1 + i);
            FloatVector v2 = load(w, w2 + i);
            FloatVector v3 = load(w, w3 + i);
            FloatVector xv = load(x, x0 + i);
            a00 = v0.fma(xv, a00);
            a10 = v1.fma(xv, a10);
            a20 = v2.fma(xv, a20);
            a30 = v3.fma(xv, a30);
            xv = load(x, x1 + i);
            a01 = v0.fma(xv, a01);
            a11 = v1.fma(xv, a11);
            a21 = v2.fma(xv, a21);
            a31 = v3.fma(xv, a31);
            xv = load(x, x2 + i);
            a02 = v0.fma(xv, a02);
            a12 = v1.fma(xv, a12);
            a22 = v2.fma(xv, a22);
            a32 = v3.fma(xv, a32);
        }
        out[outOff] = tailF32(sumLanes(a00), w, w0, x, x0, bound, n);
        out[outOff + 1] = tailF32(sumLanes(a10), w, w1, x, x0, bound, n);
        out[outOff + 2] = tailF32(sumLanes(a20), w, w2, x, x0, bound, n);
        out[outOff + 3] = tailF32(sumLanes(a30), w, w3, x, x0, bound, n);
        out[outOff + outStride] = tailF32(sumLanes(a01), w, w0, x, x1, bound, n);
        out[outOff + outStride + 1] = tailF32(sumLanes(a11), w, w1, x, x1, bound, n);
        out[outOff + outStride + 2] = tailF32(sumLanes(a21), w, w2, x, x1, bound, n);
        out[outOff + outStride + 3] = tailF32(sumLanes(a31), w, w3, x, x1, bound, n);
        out[outOff + 2 * outStride] = tailF32(sumLanes(a02), w, w0, x, x2, bound, n);
        out[outOff + 2 * outStride + 1] = tailF32(sumLanes(a12), w, w1, x, x2, bound, n);
        out[outOff + 2 * outStride + 2] = tailF32(sumLanes(a22), w, w2, x, x2, bound, n);
        out[outOff + 2 * outStride + 3] = tailF32(sumLanes(a32), w, w3, x, x2, bound, n);
    }

    @Override
    public void matmulBf16(short[] w, int cols, int outCols, float[] x, int rows, float[] out, int o0, int o1) {
        int blockRows = VectorKernels.weightBlockRows(cols, Short.BYTES);
        for (int b0 = o0; b0 < o1; b0 += blockRows) {
            int b1 = Math.min(o1, b0 + blockRows);
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
                int o = b0;
                for (; o + 4 <= b1; o += 4) {
                    tile4x4Bf16(w, o * cols, x, r * cols, cols, out, r * outCols + o, outCols);
                }
                for (; o < b1; o++) {
                    tile1x4Bf16(w, o * cols, x, r * cols, cols, out, r * outCols + o, outCols);
                }
            }
            int left = rows - r; // 0 to 3 rows: one tile height each, so weights are read once for all
            if (left > 0) {
                int o = b0;
                for (; o + 4 <= b1; o += 4) {
                    int wOff = o * cols;
                    int outOff = r * outCols + o;
                    switch (left) {
                        case 1 -> tile4x1Bf16(w, wOff, x, r * cols, cols, out, outOff);
                        case 2 -> tile4x2Bf16(w, wOff, x, r * cols, cols, out, outOff, outCols);
                        default -> tile4x3Bf16(w, wOff, x, r * cols, cols, out, outOff, outCols);
                    }
                }
                for (; o < b1; o++) {
                    for (int rr = r; rr < rows; rr++) {
                        out[rr * outCols + o] = dotBf16(w, o * cols, x, rr * cols, cols);
                    }
                }
            }
        }
    }

    @Override
    public float dotBf16(short[] w, int wOff, float[] x, int xOff, int n) {
        FloatVector acc = broadcast(0f);
        int bound = FLOATS.loopBound(n);
        for (int i = 0; i < bound; i += LANES) {
            acc = loadBf16(w, wOff + i).fma(load(x, xOff + i), acc);
        }
        return tailBf16(sumLanes(acc), w, wOff, x, xOff, bound, n);
    }

    /** {@link #tile4x4F32} with bf16 weights; every output exactly what {@link #dotBf16} gives. */
    private static void tile4x4Bf16(short[] w, int wOff, float[] x, int xOff, int n, float[] out, int outOff,
                                   int outStride) {
        int w0 = wOff;
        int w1 = w0 + n;
        int w2 = w1 + n;
        int w3 = w2 + n;
        int x0 = xOff;
        int x1 = x0 + n;
        int x2 = x1 + n;
        int x3 = x2 + n;
        // aKJ: weight row K, activation row J
        FloatVector a00 = broadcast(0f);
        FloatVector a10 = a00, a20 = a00, a30 = a00;
        FloatVector a01 = a00, a11 = a00, a21 = a00, a31 = a00;
        FloatVector a02 = a00, a12 = a00, a22 = a00, a32 = a00;
        FloatVector a03 = a00, a13 = a00, a23 = a00, a33 = a00;
        int bound = FLOATS.loopBound(n);
        for (int i = 0; i < bound; i += LANES) {
            FloatVector v0 = loadBf16(w, w0 + i);
            FloatVector v1 = loadBf16(w, w1 + i);
            FloatVector v2 = loadBf16(w, w2 + i);
            FloatVector v3 = loadBf16(w, w3 + i);
            FloatVector xv = load(x, x0 + i);
            a00 = v0.fma(xv, a00);
            a10 = v1.fma(xv, a10);
            a20 = v2.fma(xv, a20);
            a30 = v3.fma(xv, a30);
            xv = load(x, x1 + i);
            a01 = v0.fma(xv, a01);
            a11 = v1.fma(xv, a11);
            a21 = v2.fma(xv, a21);
            a31 = v3.fma(xv, a31);
            xv = load(x, x2 + i);
            a02 = v0.fma(xv, a02);
            a12 = v1.fma(xv, a12);
            a22 = v2.fma(xv, a22);
            a32 = v3.fma(xv, a32);
            xv = load(x, x3 + i);
            a03 = v0.fma(xv, a03);
            a13 = v1.fma(xv, a13);
            a23 = v2.fma(xv, a23);
            a33 = v3.fma(xv, a33);
        }
        out[outOff] = tailBf16(sumLanes(a00), w, w0, x, x0, bound, n);
        out[outOff + 1] = tailBf16(sumLanes(a10), w, w1, x, x0, bound, n);
        out[outOff + 2] = tailBf16(sumLanes(a20), w, w2, x, x0, bound, n);
        out[outOff + 3] = tailBf16(sumLanes(a30), w, w3, x, x0, bound, n);
        out[outOff + outStride] = tailBf16(sumLanes(a01), w, w0, x, x1, bound, n);
        out[outOff + outStride + 1] = tailBf16(sumLanes(a11), w, w1, x, x1, bound, n);
        out[outOff + outStride + 2] = tailBf16(sumLanes(a21), w, w2, x, x1, bound, n);
        out[outOff + outStride + 3] = tailBf16(sumLanes(a31), w, w3, x, x1, bound, n);
        out[outOff + 2 * outStride] = tailBf16(sumLanes(a02), w, w0, x, x2, bound, n);
        out[outOff + 2 * outStride + 1] = tailBf16(sumLanes(a12), w, w1, x, x2, bound, n);
        out[outOff + 2 * outStride + 2] = tailBf16(sumLanes(a22), w, w2, x, x2, bound, n);
        out[outOff + 2 * outStride + 3] = tailBf16(sumLanes(a32), w, w3, x, x2, bound, n);
        out[outOff + 3 * outStride] = tailBf16(sumLanes(a03), w, w0, x, x3, bound, n);
        out[outOff + 3 * outStride + 1] = tailBf16(sumLanes(a13), w, w1, x, x3, bound, n);
        out[outOff + 3 * outStride + 2] = tailBf16(sumLanes(a23), w, w2, x, x3, bound, n);
        out[outOff + 3 * outStride + 3] = tailBf16(sumLanes(a33), w, w3, x, x3, bound, n);
    }

    /** {@link #tile1x4F32} with bf16 weights. */
    private static void tile1x4Bf16(short[] w, int wOff, float[] x, int xOff, int n, float[] out, int outOff,
                                   int outStride) {
        int x0 = xOff;
        int x1 = x0 + n;
        int x2 = x1 + n;
        int x3 = x2 + n;
        FloatVector a0 = broadcast(0f);
        FloatVector a1 = a0, a2 = a0, a3 = a0;
        int bound = FLOATS.loopBound(n);
        for (int i = 0; i < bound; i += LANES) {
            FloatVector v = loadBf16(w, wOff + i);
            a0 = v.fma(load(x, x0 + i), a0);
            a1 = v.fma(load(x, x1 + i), a1);
            a2 = v.fma(load(x, x2 + i), a2);
            a3 = v.fma(load(x, x3 + i), a3);
        }
        out[outOff] = tailBf16(sumLanes(a0), w, wOff, x, x0, bound, n);
        out[outOff + outStride] = tailBf16(sumLanes(a1), w, wOff, x, x1, bound, n);
        out[outOff + 2 * outStride] = tailBf16(sumLanes(a2), w, wOff, x, x2, bound, n);
        out[outOff + 3 * outStride] = tailBf16(sumLanes(a3), w, wOff, x, x3, bound, n);
    }

    /** {@link #tile4x1F32} with bf16 weights. */
    private static void tile4x1Bf16(short[] w, int wOff, float[] x, int xOff, int n, float[] out, int outOff) {
        int w0 = wOff;
        int w1 = w0 + n;
        int w2 = w1 + n;
        int w3 = w2 + n;
        FloatVector a0 = broadcast(0f);
        FloatVector a1 = a0, a2 = a0, a3 = a0;
        int bound = FLOATS.loopBound(n);
        for (int i = 0; i < bound; i += LANES) {
            FloatVector xv = load(x, xOff + i);
            a0 = loadBf16(w, w0 + i).fma(xv, a0);
            a1 = loadBf16(w, w1 + i).fma(xv, a1);
            a2 = loadBf16(w, w2 + i).fma(xv, a2);
            a3 = loadBf16(w, w3 + i).fma(xv, a3);
        }
        out[outOff] = tailBf16(sumLanes(a0), w, w0, x, xOff, bound, n);
        out[outOff + 1] = tailBf16(sumLanes(a1), w, w1, x, xOff, bound, n);
        out[outOff + 2] = tailBf16(sumLanes(a2), w, w2, x, xOff, bound, n);
        out[outOff + 3] = tailBf16(sumLanes(a3), w, w3, x, xOff, bound, n);
    }

    /** {@link #tile4x2F32} with bf16 weights. */
    private static void tile4x2Bf16(short[] w, int wOff, float[] x, int xOff, int n, float[] out, int outOff,
                                   int outStride) {
        int w0 = wOff;
        int w1 = w0 + n;
        int w2 = w1 + n;
        int w3 = w2 + n;
        int x0 = xOff;
        int x1 = x0 + n;
        // aKJ: weight row K, activation row J
        FloatVector a00 = broadcast(0f);
        FloatVector a10 = a00, a20 = a00, a30 = a00;
        FloatVector a01 = a00, a11 = a00, a21 = a00, a31 = a00;
        int bound = FLOATS.loopBound(n);
        for (int i = 0; i < bound; i += LANES) {
            FloatVector v0 = loadBf16(w, w0 + i);
            FloatVector v1 = loadBf16(w, w1 + i);
            FloatVector v2 = loadBf16(w, w2 + i);
            FloatVector v3 = loadBf16(w, w3 + i);
            FloatVector xv = load(x, x0 + i);
            a00 = v0.fma(xv, a00);
            a10 = v1.fma(xv, a10);
            a20 = v2.fma(xv, a20);
            a30 = v3.fma(xv, a30);
            xv = load(x, x1 + i);
            a01 = v0.fma(xv, a01);
            a11 = v1.fma(xv, a11);
            a21 = v2.fma(xv, a21);
            a31 = v3.fma(xv, a31);
        }
        out[outOff] = tailBf16(sumLanes(a00), w, w0, x, x0, bound, n);
        out[outOff + 1] = tailBf16(sumLanes(a10), w, w1, x, x0, bound, n);
        out[outOff + 2] = tailBf16(sumLanes(a20), w, w2, x, x0, bound, n);
        out[outOff + 3] = tailBf16(sumLanes(a30), w, w3, x, x0, bound, n);
        out[outOff + outStride] = tailBf16(sumLanes(a01), w, w0, x, x1, bound, n);
        out[outOff + outStride + 1] = tailBf16(sumLanes(a11), w, w1, x, x1, bound, n);
        out[outOff + outStride + 2] = tailBf16(sumLanes(a21), w, w2, x, x1, bound, n);
        out[outOff + outStride + 3] = tailBf16(sumLanes(a31), w, w3, x, x1, bound, n);
    }

    /** {@link #tile4x3F32} with bf16 weights. */
    private static void tile4x3Bf16(short[] w, int wOff, float[] x, int xOff, int n, float[] out, int outOff,
                                   int outStride) {
        int w0 = wOff;
        int w1 = w0 + n;
        int w2 = w1 + n;
        int w3 = w2 + n;
        int x0 = xOff;
        int x1 = x0 + n;
        int x2 = x1 + n;
        // aKJ: weight row K, activation row J
        FloatVector a00 = broadcast(0f);
        FloatVector a10 = a00, a20 = a00, a30 = a00;
        FloatVector a01 = a00, a11 = a00, a21 = a00, a31 = a00;
        FloatVector a02 = a00, a12 = a00, a22 = a00, a32 = a00;
        int bound = FLOATS.loopBound(n);
        for (int i = 0; i < bound; i += LANES) {
            FloatVector v0 = loadBf16(w, w0 + i);
            FloatVector v1 = loadBf16(w, w1 + i);
            FloatVector v2 = loadBf16(w, w2 + i);
            FloatVector v3 = loadBf16(w, w3 + i);
            FloatVector xv = load(x, x0 + i);
            a00 = v0.fma(xv, a00);
            a10 = v1.fma(xv, a10);
            a20 = v2.fma(xv, a20);
            a30 = v3.fma(xv, a30);
            xv = load(x, x1 + i);
            a01 = v0.fma(xv, a01);
            a11 = v1.fma(xv, a11);
            a21 = v2.fma(xv, a21);
            a31 = v3.fma(xv, a31);
            xv = load(x, x2 + i);
            a02 = v0.fma(xv, a02);
            a12 = v1.fma(xv, a12);
            a22 = v2.fma(xv, a22);
            a32 = v3.fma(xv, a32);
        }
        out[outOff] = tailBf16(sumLanes(a00), w, w0, x, x0, bound, n);
        out[outOff + 1] = tailBf16(sumLanes(a10), w, w1, x, x0, bound, n);
        out[outOff + 2] = tailBf16(sumLanes(a20), w, w2, x, x0, bound, n);
        out[outOff + 3] = tailBf16(sumLanes(a30), w, w3, x, x0, bound, n);
        out[outOff + outStride] = tailBf16(sumLanes(a01), w, w0, x, x1, bound, n);
        out[outOff + outStride + 1] = tailBf16(sumLanes(a11), w, w1, x, x1, bound, n);
        out[outOff + outStride + 2] = tailBf16(sumLanes(a21), w, w2, x, x1, bound, n);
        out[outOff + outStride + 3] = tailBf16(sumLanes(a31), w, w3, x, x1, bound, n);
        out[outOff + 2 * outStride] = tailBf16(sumLanes(a02), w, w0, x, x2, bound, n);
        out[outOff + 2 * outStride + 1] = tailBf16(sumLanes(a12), w, w1, x, x2, bound, n);
        out[outOff + 2 * outStride + 2] = tailBf16(sumLanes(a22), w, w2, x, x2, bound, n);
        out[outOff + 2 * outStride + 3] = tailBf16(sumLanes(a32), w, w3, x, x2, bound, n);
    }

    /**
     * The lanes summed in a fixed pairwise tree: lane j += lane j + h for h = LANES/2 .. 1, then lane 0.
     * Not {@code reduceLanes(ADD)}: its float order is unspecified and may change once the JIT compiles it,
     * while lane-wise adds and shuffles give the same bits in interpreted and compiled code.
     */
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

    /** The scalar tail of a dot product, added after the lane sum. */
    private static float tailF32(float sum, float[] a, int aOff, float[] b, int bOff, int from, int n) {
        for (int i = from; i < n; i++) {
            sum = Math.fma(a[aOff + i], b[bOff + i], sum);
        }
        return sum;
    }

    private static float tailBf16(float sum, short[] w, int wOff, float[] x, int xOff, int from, int n) {
        for (int i = from; i < n; i++) {
            sum = Math.fma(Bf16Matrix.toFloat(w[wOff + i]), x[xOff + i], sum);
        }
        return sum;
    }

    // ---------------------------------------------------------------------------------------------
    // vector sources, each cast to this shape's exact class (see FLOAT_CLASS)

    private static FloatVector load(float[] a, int offset) {
        return FLOAT_CLASS.cast(FloatVector.fromArray(FLOATS, a, offset));
    }

    private static FloatVector broadcast(float value) {
        return FLOAT_CLASS.cast(FloatVector.broadcast(FLOATS, value));
    }

    /**
     * LANES bf16 values widened to floats, exactly: a bf16 is the high half of a float's bits, so
     * sign-extend to int (the extension bits are shifted out) and shift left by 16.
     */
    private static FloatVector loadBf16(short[] w, int offset) {
        ShortVector bits = SHORT_CLASS.cast(ShortVector.fromArray(SHORTS, w, offset));
        IntVector widened = INT_CLASS.cast(bits.convertShape(VectorOperators.S2I, INTS, 0));
        return FLOAT_CLASS.cast(widened.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats());
    }

    // ---------------------------------------------------------------------------------------------
    // element-wise kernels: the scalar tails repeat the lanes' operations exactly

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector alphas = broadcast(alpha);
        int bound = FLOATS.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            alphas.fma(load(x, xOff + i), load(y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
        }
    }

    @Override
    public void scaleMul(float[] x, int xOff, float scale, float[] weight, float[] out, int outOff, int n) {
        int bound = FLOATS.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            load(x, xOff + i).mul(scale).mul(load(weight, i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = x[xOff + i] * scale * weight[i];
        }
    }

    /**
     * {@code exp(-g)} is {@link VectorExp#exp(float)} written out lane-wise, in the loop body rather than in
     * a method of its own: a vector passed to or returned from a method the JIT did not inline is boxed.
     */
    @Override
    public void siluMul(float[] gate, float[] up, int n) {
        FloatVector ln2Hi = broadcast(-VectorExp.LN2_HI);
        FloatVector ln2Lo = broadcast(-VectorExp.LN2_LO);
        FloatVector c5 = broadcast(VectorExp.C5);
        FloatVector c4 = broadcast(VectorExp.C4);
        FloatVector c3 = broadcast(VectorExp.C3);
        FloatVector c2 = broadcast(VectorExp.C2);
        FloatVector one = broadcast(1f);
        int bound = FLOATS.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector g = load(gate, i);
            // exp(x) for x = -g, as in VectorExp.exp
            FloatVector x = g.neg().max(VectorExp.LO).min(VectorExp.HI);
            FloatVector t = x.mul(VectorExp.LOG2E).add(VectorExp.ROUNDER);
            FloatVector k = t.sub(VectorExp.ROUNDER);
            IntVector kBits = INT_CLASS.cast(t.reinterpretAsInts()).sub(VectorExp.ROUNDER_BITS);
            FloatVector r = k.fma(ln2Hi, x);
            r = k.fma(ln2Lo, r);
            FloatVector p = r.fma(VectorExp.C7, VectorExp.C6);
            p = p.fma(r, c5);
            p = p.fma(r, c4);
            p = p.fma(r, c3);
            p = p.fma(r, c2);
            p = p.fma(r, one);
            p = p.fma(r, one);
            FloatVector scale = FLOAT_CLASS.cast(kBits.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            FloatVector exp = p.mul(scale);
            g.div(exp.add(1f)).mul(load(up, i)).intoArray(gate, i);
        }
        for (; i < n; i++) {
            float g = gate[i];
            gate[i] = g / (VectorExp.exp(-g) + 1f) * up[i];
        }
    }

    // ---------------------------------------------------------------------------------------------
    // attention. Keys come in key blocks (Kernels.KEY_BLOCK positions, transposed), so one vector holds
    // one dimension of consecutive keys and each lane accumulates one key's score: no lane sums, and
    // every score is the same sequence of fused multiply-adds as ScalarKernels' (and at every width).

    @Override
    public void attentionScores(float[] q, int[] qOffsets, int queries, int headDim, float[] keys, int keysOff,
                                int blockStride, int keyCount, float scale, float[] scores, int scoreStride) {
        int blocks = (keyCount + Kernels.KEY_BLOCK - 1) / Kernels.KEY_BLOCK;
        // Blocks in groups of 4 (64 keys: 16 KiB at head_dim 64), which stay in L1 while every query passes
        // over them: the L rows of a CLP step and the heads of a GQA group read the cache from memory once.
        for (int b0 = 0; b0 < blocks; b0 += 4) {
            int group = Math.min(4, blocks - b0);
            for (int qi = 0; qi < queries; qi++) {
                int sOff = qi * scoreStride + b0 * Kernels.KEY_BLOCK;
                for (int lane = 0; lane < Kernels.KEY_BLOCK; lane += LANES) {
                    int kOff = keysOff + b0 * blockStride + lane;
                    if (group == 4) {
                        scores4(q, qOffsets[qi], headDim, keys, kOff, blockStride, scale, scores, sOff + lane);
                    } else {
                        for (int b = 0; b < group; b++) {
                            scores1(q, qOffsets[qi], headDim, keys, kOff + b * blockStride, scale, scores,
                                    sOff + b * Kernels.KEY_BLOCK + lane);
                        }
                    }
                }
            }
        }
    }

    /**
     * One query against LANES keys in each of 4 blocks: 4 independent accumulators, so the multiply-adds do
     * not wait on each other; each lane takes exactly the steps of {@link #scores1}.
     */
    private static void scores4(float[] q, int qOff, int headDim, float[] keys, int kOff, int blockStride,
                                float scale, float[] scores, int sOff) {
        int k0 = kOff;
        int k1 = k0 + blockStride;
        int k2 = k1 + blockStride;
        int k3 = k2 + blockStride;
        FloatVector a0 = broadcast(0f);
        FloatVector a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0; i < headDim; i++) {
            FloatVector qi = broadcast(q[qOff + i]);
            int row = i * Kernels.KEY_BLOCK;
            a0 = qi.fma(load(keys, k0 + row), a0);
            a1 = qi.fma(load(keys, k1 + row), a1);
            a2 = qi.fma(load(keys, k2 + row), a2);
            a3 = qi.fma(load(keys, k3 + row), a3);
        }
        a0.mul(scale).intoArray(scores, sOff);
        a1.mul(scale).intoArray(scores, sOff + Kernels.KEY_BLOCK);
        a2.mul(scale).intoArray(scores, sOff + 2 * Kernels.KEY_BLOCK);
        a3.mul(scale).intoArray(scores, sOff + 3 * Kernels.KEY_BLOCK);
    }

    private static void scores1(float[] q, int qOff, int headDim, float[] keys, int kOff, float scale,
                                float[] scores, int sOff) {
        FloatVector acc = broadcast(0f);
        for (int i = 0; i < headDim; i++) {
            acc = broadcast(q[qOff + i]).fma(load(keys, kOff + i * Kernels.KEY_BLOCK), acc);
        }
        acc.mul(scale).intoArray(scores, sOff);
    }

    /**
     * The max (exact in any order), then {@code exp(s - max)} as in {@link #siluMul} (written out here for
     * the same reason), whose vector lanes and scalar tail give the same bits; the sum as in {@link #dotF32}.
     */
    @Override
    public float softmaxNumerators(float[] s, int off, int n) {
        int bound = FLOATS.loopBound(n);
        float max = Float.NEGATIVE_INFINITY;
        if (bound > 0) {
            FloatVector m = load(s, off);
            for (int i = LANES; i < bound; i += LANES) {
                m = m.max(load(s, off + i));
            }
            max = maxLanes(m);
        }
        for (int i = bound; i < n; i++) {
            max = Math.max(max, s[off + i]);
        }
        FloatVector maxes = broadcast(max);
        FloatVector ln2Hi = broadcast(-VectorExp.LN2_HI);
        FloatVector ln2Lo = broadcast(-VectorExp.LN2_LO);
        FloatVector c5 = broadcast(VectorExp.C5);
        FloatVector c4 = broadcast(VectorExp.C4);
        FloatVector c3 = broadcast(VectorExp.C3);
        FloatVector c2 = broadcast(VectorExp.C2);
        FloatVector one = broadcast(1f);
        FloatVector sum = broadcast(0f);
        for (int i = 0; i < bound; i += LANES) {
            // exp(x) for x = s - max, as in VectorExp.exp
            FloatVector x = load(s, off + i).sub(maxes).max(VectorExp.LO).min(VectorExp.HI);
            FloatVector t = x.mul(VectorExp.LOG2E).add(VectorExp.ROUNDER);
            FloatVector k = t.sub(VectorExp.ROUNDER);
            IntVector kBits = INT_CLASS.cast(t.reinterpretAsInts()).sub(VectorExp.ROUNDER_BITS);
            FloatVector r = k.fma(ln2Hi, x);
            r = k.fma(ln2Lo, r);
            FloatVector p = r.fma(VectorExp.C7, VectorExp.C6);
            p = p.fma(r, c5);
            p = p.fma(r, c4);
            p = p.fma(r, c3);
            p = p.fma(r, c2);
            p = p.fma(r, one);
            p = p.fma(r, one);
            FloatVector scale = FLOAT_CLASS.cast(kBits.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            FloatVector e = p.mul(scale);
            e.intoArray(s, off + i);
            sum = sum.add(e);
        }
        float total = sumLanes(sum);
        for (int i = bound; i < n; i++) {
            float e = VectorExp.exp(s[off + i] - max);
            s[off + i] = e;
            total += e;
        }
        return total;
    }

    /** The largest lane (max is exact, so any order gives the same value; the tree mirrors sumLanes). */
    private static float maxLanes(FloatVector v) {
        if (LANES >= 16) {
            v = v.max(v.rearrange(ROTATE_8));
        }
        if (LANES >= 8) {
            v = v.max(v.rearrange(ROTATE_4));
        }
        v = v.max(v.rearrange(ROTATE_2));
        v = v.max(v.rearrange(ROTATE_1));
        return v.lane(0);
    }

    /**
     * Output dimensions in groups of 4 vectors, each lane summing over the keys with fma, the even-numbered
     * keys and the odd-numbered ones in two accumulators (8 independent chains, so the multiply-adds do not
     * wait on each other) added at the end; then single vectors and a scalar tail that take the same steps.
     */
    @Override
    public void weightedSum(float[] p, int pOff, int n, float[] values, int valuesOff, int stride, int headDim,
                            float scale, float[] out, int outOff) {
        int bound = FLOATS.loopBound(headDim);
        int pairs = n & ~1;
        int d = 0;
        for (; d + 4 * LANES <= bound; d += 4 * LANES) {
            FloatVector a0 = broadcast(0f);
            FloatVector a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (int j = 0; j < pairs; j += 2) {
                FloatVector pa = broadcast(p[pOff + j]);
                FloatVector pb = broadcast(p[pOff + j + 1]);
                int rowA = valuesOff + j * stride + d;
                int rowB = rowA + stride;
                a0 = pa.fma(load(values, rowA), a0);
                a1 = pa.fma(load(values, rowA + LANES), a1);
                a2 = pa.fma(load(values, rowA + 2 * LANES), a2);
                a3 = pa.fma(load(values, rowA + 3 * LANES), a3);
                b0 = pb.fma(load(values, rowB), b0);
                b1 = pb.fma(load(values, rowB + LANES), b1);
                b2 = pb.fma(load(values, rowB + 2 * LANES), b2);
                b3 = pb.fma(load(values, rowB + 3 * LANES), b3);
            }
            if (pairs < n) {
                FloatVector pa = broadcast(p[pOff + pairs]);
                int rowA = valuesOff + pairs * stride + d;
                a0 = pa.fma(load(values, rowA), a0);
                a1 = pa.fma(load(values, rowA + LANES), a1);
                a2 = pa.fma(load(values, rowA + 2 * LANES), a2);
                a3 = pa.fma(load(values, rowA + 3 * LANES), a3);
            }
            a0.add(b0).mul(scale).intoArray(out, outOff + d);
            a1.add(b1).mul(scale).intoArray(out, outOff + d + LANES);
            a2.add(b2).mul(scale).intoArray(out, outOff + d + 2 * LANES);
            a3.add(b3).mul(scale).intoArray(out, outOff + d + 3 * LANES);
        }
        for (; d < bound; d += LANES) {
            FloatVector a = broadcast(0f);
            FloatVector b = a;
            for (int j = 0; j < pairs; j += 2) {
                int rowA = valuesOff + j * stride + d;
                a = broadcast(p[pOff + j]).fma(load(values, rowA), a);
                b = broadcast(p[pOff + j + 1]).fma(load(values, rowA + stride), b);
            }
            if (pairs < n) {
                a = broadcast(p[pOff + pairs]).fma(load(values, valuesOff + pairs * stride + d), a);
            }
            a.add(b).mul(scale).intoArray(out, outOff + d);
        }
        for (; d < headDim; d++) {
            float a = 0f;
            float b = 0f;
            for (int j = 0; j < pairs; j += 2) {
                a = Math.fma(p[pOff + j], values[valuesOff + j * stride + d], a);
                b = Math.fma(p[pOff + j + 1], values[valuesOff + (j + 1) * stride + d], b);
            }
            if (pairs < n) {
                a = Math.fma(p[pOff + pairs], values[valuesOff + pairs * stride + d], a);
            }
            out[outOff + d] = (a + b) * scale;
        }
    }
}
