package dev.plt.model.kernels.gemm;

import dev.plt.model.kernels.pool.EnginePool;
import dev.plt.model.tensor.Bf16Matrix;
import dev.plt.model.tensor.F32Matrix;
import dev.plt.model.tensor.Int8Matrix;
import dev.plt.model.tensor.Matrix;

/**
 * A packed, register-blocked matrix multiply for many activation rows (prefill chunks, batched decode):
 * {@code out[r, o] = sum_i w[o, i] * x[r, i]}, {@code x} [rows, cols] and {@code out} [rows, w.rows()]
 * row-major from offset 0.
 *
 * <h2>Same bits as the mat-vec</h2>
 * The engine's results must not depend on the batch size, so every output element here is computed exactly as
 * the mat-vec tiles of {@code VectorLoops} compute it (and as their {@code dotF32} / {@code dotBf16}): one
 * vector accumulator over the whole chunks of the input dimension, one fused multiply-add per chunk in order,
 * the lanes summed in a fixed tree, then the scalar tail added in order with {@code Math.fma}. Packing moves
 * values, never changes them (bf16 widening is exact), and a tile's accumulators are independent of each
 * other, so neither the tile an element falls in, nor the zero rows padding the last tile, nor the thread
 * that runs it changes its bits. That rules out a micro-kernel that broadcasts one activation and sums each
 * output in input order across lanes (the usual BLAS kernel): it would be a different order from the
 * mat-vec's. The micro-kernel therefore keeps the mat-vec's "dot product" form, with a larger register tile.
 *
 * <h2>Blocking</h2>
 * The activations are packed once per call into strips of {@link #MR} rows, interleaved per vector chunk.
 * Output features are split over the pool in panels of {@link #NR} weight rows (whole output columns per
 * thread, so no reduction crosses threads); each thread packs a block of about {@value #WEIGHT_BLOCK_BYTES}
 * bytes of panels (L2-resident, widening bf16 on the way) into its own buffer, then runs every activation
 * strip against every panel of the block: a strip (MR x cols floats) stays in L1 while it passes over the
 * block's panels, and the block stays in L2 while all strips pass over it. The input dimension is not
 * blocked: an accumulator that left registers between input blocks would cost a store and a load per
 * element; at the engine's sizes (d_in 768-2048, strips of 18-48 KiB) a strip fits L1 or nearly.
 */
public final class PackedGemm {
    /** Activation rows per register tile. */
    static final int MR = 6;
    /** Weight rows (output features) per register tile. */
    static final int NR = 4;
    /** Packed weight bytes per thread block: a quarter of a 1-2 MiB L2, like the mat-vec's weight blocks. */
    static final int WEIGHT_BLOCK_BYTES = 256 * 1024;
    /** Chunks per thread the pool should be able to make: as EnginePool's own split. */
    private static final int CHUNKS_PER_THREAD = 4;
    /** Multiply-adds below which a chunk is not worth a thread hand-off (as the mat-vec's). */
    private static final int MIN_CHUNK_WORK = 1 << 15;

    private final EnginePool pool;
    private final GemmKernel kernel;
    /** Per-thread packing buffers, grown on demand: one matmul's activations, one thread's weight block. */
    private final ThreadLocal<float[]> activationBuffer = new ThreadLocal<>();
    private final ThreadLocal<float[]> weightBuffer = new ThreadLocal<>();

    /**
     * @param pool the engine's pool (null: the calling thread alone)
     * @param bits vector width, 128, 256 or 512; results are those of the mat-vec of the same width
     */
    public PackedGemm(EnginePool pool, int bits) {
        this.pool = pool;
        this.kernel = switch (bits) {
            case 512 -> new GemmKernel512();
            case 256 -> new GemmKernel256();
            case 128 -> new GemmKernel128();
            default -> throw new IllegalArgumentException("PackedGemm supports 128-, 256- and 512-bit vectors, not "
                    + bits);
        };
    }

    /** Float lanes per vector. */
    public int lanes() {
        return kernel.lanes();
    }

    /** The product of {@code rows} activation rows with {@code w}; arguments are checked by the caller. */
    public void matmul(Matrix w, float[] x, int rows, float[] out) {
        if (rows == 0 || w.rows() == 0) {
            return;
        }
        int cols = w.cols();
        int chunks = cols / kernel.lanes();
        int strips = (rows + MR - 1) / MR;
        float[] packedX = buffer(activationBuffer, Math.max(1, strips * chunks * MR * kernel.lanes()));
        kernel.packActivations(x, cols, rows, chunks, packedX);

        int panels = (w.rows() + NR - 1) / NR;
        int panelFloats = Math.max(1, chunks * NR * kernel.lanes());
        int blockPanels = Math.max(1, WEIGHT_BLOCK_BYTES / (panelFloats * Float.BYTES));
        EnginePool.RangeBody body = (p0, p1) -> {
            float[] packedW = buffer(weightBuffer, Math.min(p1 - p0, blockPanels) * panelFloats);
            int lanes = kernel.lanes();
            int groups = (MR * NR + lanes - 1) / lanes; // sumLanes works on whole groups of `lanes` accumulators
            float[] partials = new float[groups * lanes * lanes];
            float[] sums = new float[groups * lanes];
            for (int b0 = p0; b0 < p1; b0 += blockPanels) {
                int b1 = Math.min(p1, b0 + blockPanels);
                runBlock(w, x, rows, out, chunks, strips, packedX, b0, b1, packedW, partials, sums);
            }
        };
        if (pool == null) {
            body.run(0, panels);
        } else {
            // chunks of at most a block, enough of them for the pool to balance the threads (the machines are
            // shared), but not so small that a hand-off costs more than the chunk
            int balanced = Math.min(blockPanels, panels / (CHUNKS_PER_THREAD * pool.threads()));
            long panelWork = (long) NR * cols * rows;
            int worthIt = (int) Math.min(panels, (MIN_CHUNK_WORK + panelWork - 1) / panelWork);
            pool.parallelFor(panels, Math.max(1, Math.max(balanced, worthIt)), body);
        }
    }

    /** Panels {@code [b0, b1)}: pack them, then every activation strip against every panel. */
    private void runBlock(Matrix w, float[] x, int rows, float[] out, int chunks, int strips, float[] packedX,
                          int b0, int b1, float[] packedW, float[] partials, float[] sums) {
        int o0 = b0 * NR;
        int count = Math.min(w.rows(), b1 * NR) - o0;
        if (w instanceof F32Matrix f) {
            kernel.packWeightsF32(f.data(), f.cols(), o0, count, chunks, packedW);
        } else if (w instanceof Bf16Matrix b) {
            kernel.packWeightsBf16(b.data(), b.cols(), o0, count, chunks, packedW);
        } else if (w instanceof Int8Matrix q) {
            kernel.packWeightsInt8(q.data(), q.scales(), q.cols(), o0, count, chunks, packedW);
        } else {
            throw new IllegalArgumentException("Unsupported matrix type " + w.getClass().getName());
        }
        int lanes = kernel.lanes();
        int stripFloats = chunks * MR * lanes;
        int panelFloats = chunks * NR * lanes;
        for (int s = 0; s < strips; s++) {
            for (int p = b0; p < b1; p++) {
                kernel.tile(packedW, (p - b0) * panelFloats, packedX, s * stripFloats, chunks, partials);
                kernel.sumLanes(partials, MR * NR, sums);
                store(w, x, rows, out, chunks * lanes, s * MR, p * NR, sums);
            }
        }
    }

    /** A tile's sums plus each element's scalar tail (input columns from {@code bound}), into {@code out}. */
    private static void store(Matrix w, float[] x, int rows, float[] out, int bound, int r0, int o0, float[] sums) {
        int cols = w.cols();
        int outCols = w.rows();
        int rEnd = Math.min(rows, r0 + MR);
        int oEnd = Math.min(outCols, o0 + NR);
        for (int r = r0; r < rEnd; r++) {
            int xOff = r * cols;
            for (int o = o0; o < oEnd; o++) {
                float sum = sums[(r - r0) * NR + (o - o0)];
                if (bound < cols) {
                    sum = tail(w, o * cols, x, xOff, bound, cols, sum);
                }
                out[r * outCols + o] = sum;
            }
        }
    }

    /** The scalar tail of one dot product, as the mat-vec adds it: {@code fma(w, x, sum)} in index order. */
    private static float tail(Matrix w, int wOff, float[] x, int xOff, int from, int n, float sum) {
        if (w instanceof F32Matrix f) {
            float[] wd = f.data();
            for (int i = from; i < n; i++) {
                sum = Math.fma(wd[wOff + i], x[xOff + i], sum);
            }
        } else if (w instanceof Int8Matrix q) { // no tail in practice: rows are whole 32-column blocks
            for (int i = from; i < n; i++) {
                sum = Math.fma(Int8Matrix.dequantize(q.data(), q.scales(), wOff + i), x[xOff + i], sum);
            }
        } else {
            short[] wd = ((Bf16Matrix) w).data();
            for (int i = from; i < n; i++) {
                sum = Math.fma(Bf16Matrix.toFloat(wd[wOff + i]), x[xOff + i], sum);
            }
        }
        return sum;
    }

    private static float[] buffer(ThreadLocal<float[]> holder, int size) {
        float[] buffer = holder.get();
        if (buffer == null || buffer.length < size) {
            buffer = new float[size];
            holder.set(buffer);
        }
        return buffer;
    }
}
