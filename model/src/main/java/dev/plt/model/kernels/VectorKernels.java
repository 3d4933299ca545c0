package dev.plt.model.kernels;

import dev.plt.model.kernels.gemm.PackedGemm;
import dev.plt.model.kernels.pool.EnginePool;
import dev.plt.model.tensor.Bf16Matrix;
import dev.plt.model.tensor.F32Matrix;
import dev.plt.model.tensor.Int8Matrix;
import dev.plt.model.tensor.Matrix;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the incubating Vector API ({@code jdk.incubator.vector}; the JVM needs
 * {@code --add-modules jdk.incubator.vector}). Only {@link KernelBackends} should touch this class before
 * it has checked that the module is present. The loops themselves are in one {@link VectorLoops} class per
 * vector shape (128, 256 or 512 bits; see there why).
 *
 * <h2>Batch invariance</h2>
 * Every dot product (one matmul output element, {@link #dot}, the sum of squares of {@link #rmsnorm}) is
 * computed by one scheme, whatever tile it sits in: a single vector accumulator over
 * {@code [0, loopBound(n))} in steps of one vector, then the lanes summed in a fixed pairwise-tree order,
 * then the scalar tail added one element at a time with {@code Math.fma}. So a matmul output is bitwise
 * the same in a 4-row tile and in a 1-row remainder, for any split of weight rows over threads, and
 * {@code matmul(w, x)[r, o] == dot(row o of w, row r of x)} bitwise for f32 weights.
 * {@code reduceLanes(ADD)} is avoided on purpose: its float summation order is unspecified and may differ
 * between interpreted and JIT-compiled code. Element-wise kernels compute each element with the same
 * operations in the vector body and in the scalar tail (see {@link VectorExp}), so an element's value does
 * not depend on where it sits in the array. Results do depend on the vector width: 256- and 512-bit
 * kernels differ in the last bits.
 *
 * <h2>matmul</h2>
 * Output features (weight rows) are split over the pool in contiguous chunks. Within a chunk, weight rows
 * are taken in blocks of about {@value #WEIGHT_BLOCK_BYTES} bytes; each block is multiplied with the
 * activations in register tiles of 4 weight rows x 4 activation rows (each loaded vector serves 4
 * multiply-adds), with 4x3, 4x2, 4x1, 1x4 and 1x1 tiles for the rows left over. With up to 4 activation
 * rows (a decode step: the L rows of a CLP step of one sequence) every weight is loaded once, so the
 * step streams the weights from memory once; with more, the block stays in L2 while the activation tiles
 * pass over it. The tile shape never changes a result: see above.
 *
 * <p>From {@link #defaultGemmMinRows} activation rows on (prefill chunks, batched decode), matmul runs
 * {@link PackedGemm} instead: packed panels and a larger register tile, with every element computed by the
 * same scheme, so the switch between the two never changes a bit.
 */
public final class VectorKernels implements Kernels {

    /** Multiply-adds below which a matmul chunk is not worth a thread hand-off. */
    private static final int MIN_CHUNK_WORK = 1 << 15;

    /** Weight bytes per cache block (see class comment): a quarter of a typical 1-2 MiB L2. */
    private static final int WEIGHT_BLOCK_BYTES = 256 * 1024;

    /**
     * Activation rows from which matmul uses the packed GEMM by default: 16 with 512-bit vectors, 32 with
     * narrower ones. Below that the GEMM's packing and padding to whole 6-row strips cost more than its larger
     * tile saves (MatmulCpuTime on Zen 5, 2026-12-03: at 8 rows the GEMM took 1.1-1.3x the mat-vec's CPU time,
     * at 16 rows 0.81-0.93x with 512-bit vectors; with 256-bit ones 1.07x at 16 and 0.98x at 32).
     */
    public static int defaultGemmMinRows(int bits) {
        return bits >= 512 ? 16 : 32;
    }

    /**
     * Activation rows from which an int8 matmul uses the packed GEMM by default. Lower than f32's: the int8 mat-vec
     * tiles take one activation row at a time (each widened weight serves one multiply-add), while the GEMM
     * dequantizes a block once for all rows (MatmulCpuTime, 512-bit, 2816x1024 and 1024x2816, 2026-12-03: the GEMM
     * took 0.8-1.0x the mat-vec's CPU time at 4 rows, 0.3-0.8x at 8).
     */
    public static final int DEFAULT_INT8_GEMM_MIN_ROWS = 8;

    private final EnginePool pool;
    private final VectorLoops loops;
    private final PackedGemm gemm;
    private final int gemmMinRows;
    private final int int8GemmMinRows;

    /**
     * @param pool    parallelises matmul over output rows; null runs everything on the calling thread
     * @param species float vectors of 128, 256 or 512 bits, e.g. {@code FloatVector.SPECIES_512}
     */
    public VectorKernels(EnginePool pool, VectorSpecies<Float> species) {
        this(pool, species, defaultGemmMinRows(species.vectorBitSize()), DEFAULT_INT8_GEMM_MIN_ROWS);
    }

    /**
     * @param gemmMinRows activation rows from which matmul runs the packed GEMM rather than the mat-vec tiles (for
     *                    every weight type):
     *                    the benchmarks compare the two paths, the tests force one or the other (same bits)
     */
    public VectorKernels(EnginePool pool, VectorSpecies<Float> species, int gemmMinRows) {
        this(pool, species, gemmMinRows, gemmMinRows);
    }

    /** @param int8GemmMinRows the same for int8 weights */
    private VectorKernels(EnginePool pool, VectorSpecies<Float> species, int gemmMinRows, int int8GemmMinRows) {
        this.pool = pool;
        this.gemmMinRows = gemmMinRows;
        this.int8GemmMinRows = int8GemmMinRows;
        this.loops = switch (species.vectorBitSize()) {
            case 512 -> new VectorLoops512();
            case 256 -> new VectorLoops256();
            case 128 -> new VectorLoops128();
            default -> throw new IllegalArgumentException(
                    "VectorKernels supports 128-, 256- and 512-bit float vectors, not " + species);
        };
        this.gemm = new PackedGemm(pool, species.vectorBitSize());
    }

    /** The float species the Vector API prefers on this CPU (512-bit with AVX-512). */
    public static VectorSpecies<Float> preferredSpecies() {
        return FloatVector.SPECIES_PREFERRED;
    }

    /** The float species of the given vector size in bits. */
    public static VectorSpecies<Float> speciesOfBits(int bits) {
        return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }

    /** Vector size in bits. */
    public int vectorBits() {
        return loops.bits();
    }

    @Override
    public String name() {
        return "vector-" + vectorBits();
    }

    @Override
    public void matmul(Matrix w, float[] x, int rows, float[] out) {
        KernelSupport.checkMatmul(w, x, rows, out);
        if (rows == 0 || w.rows() == 0) {
            return;
        }
        if (rows >= (w instanceof Int8Matrix ? int8GemmMinRows : gemmMinRows)) {
            gemm.matmul(w, x, rows, out);
            return;
        }
        EnginePool.RangeBody body;
        if (w instanceof F32Matrix f) {
            body = (o0, o1) -> loops.matmulF32(f.data(), f.cols(), f.rows(), x, rows, out, o0, o1);
        } else if (w instanceof Bf16Matrix b) {
            body = (o0, o1) -> loops.matmulBf16(b.data(), b.cols(), b.rows(), x, rows, out, o0, o1);
        } else if (w instanceof Int8Matrix q) {
            body = (o0, o1) -> loops.matmulInt8(q.data(), q.scales(), q.cols(), q.rows(), x, rows, out, o0, o1);
        } else {
            throw new IllegalArgumentException("Unsupported matrix type " + w.getClass().getName());
        }
        if (pool == null) {
            body.run(0, w.rows());
        } else {
            pool.parallelFor(w.rows(), KernelSupport.matmulGrain(w.cols(), rows, MIN_CHUNK_WORK), body);
        }
    }

    /**
     * Weight rows per cache block: about {@value #WEIGHT_BLOCK_BYTES} bytes, a multiple of 4 (the tile
     * height) and at least 4. Used by the {@link VectorLoops} classes.
     */
    static int weightBlockRows(int cols, int bytesPerWeight) {
        int rows = WEIGHT_BLOCK_BYTES / Math.max(1, cols * bytesPerWeight);
        return Math.max(4, rows & ~3);
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        return loops.dotF32(a, aOff, b, bOff, n);
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        loops.axpy(alpha, x, xOff, y, yOff, n);
    }

    @Override
    public void rmsnorm(float[] x, int xOff, float[] weight, float eps, float[] out, int outOff, int n) {
        float scale = KernelSupport.rmsScale(dot(x, xOff, x, xOff, n), n, eps);
        loops.scaleMul(x, xOff, scale, weight, out, outOff, n);
    }

    @Override
    public void siluMul(float[] gate, float[] up, int n) {
        loops.siluMul(gate, up, n);
    }

    @Override
    public void attentionScores(float[] q, int[] qOffsets, int queries, int headDim, float[] keys, int keysOff,
                                int blockStride, int keyCount, float scale, float[] scores, int scoreStride) {
        loops.attentionScores(q, qOffsets, queries, headDim, keys, keysOff, blockStride, keyCount, scale, scores,
                scoreStride);
    }

    @Override
    public float softmaxNumerators(float[] s, int off, int n) {
        return loops.softmaxNumerators(s, off, n);
    }

    @Override
    public void weightedSum(float[] p, int pOff, int n, float[] values, int valuesOff, int stride, int headDim,
                            float scale, float[] out, int outOff) {
        loops.weightedSum(p, pOff, n, values, valuesOff, stride, headDim, scale, out, outOff);
    }
}
