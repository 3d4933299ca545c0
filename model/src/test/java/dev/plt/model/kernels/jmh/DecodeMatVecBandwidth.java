package dev.plt.model.kernels.jmh;

import dev.plt.model.kernels.Kernels;
import dev.plt.model.kernels.VectorKernels;
import dev.plt.model.kernels.pool.EnginePool;
import dev.plt.model.tensor.Bf16Matrix;
import dev.plt.model.tensor.F32Matrix;
import dev.plt.model.tensor.Matrix;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * How fast the decode mat-vec streams weights, next to how fast the same machine streams plain reads: the
 * kernel-level share of the read-bandwidth roofline. One pass multiplies every projection of the bench model
 * ({@code bin/plt bench}: d=768, 16 layers, 4 KV heads of 64, SwiGLU 2048, the 32,000 x 768 LM head) by
 * {@code ROWS} activation rows (1: a non-loop decode step; 2, 3: a CLP step of PLT-2, PLT-3). The weights
 * (about 218 MB in bf16) are far larger than the caches, so every pass reads them from memory, as decode does.
 * Each mat-vec pass is followed by a stream pass that sums a float array of the same byte count with 4
 * independent accumulators over the same thread split (the roofline reference, as {@code StreamBandwidth});
 * both report the median over the passes after the first third. With 1 thread the figures are per CPU-second of
 * the calling thread (on a shared machine a thread's CPU time mostly leaves out the time others hold the core);
 * with more, per wall-clock second. Not a test; run it as
 * {@code java --add-modules jdk.incubator.vector -cp model/target/classes:model/target/test-classes
 * dev.plt.model.kernels.jmh.DecodeMatVecBandwidth BITS f32|bf16 ROWS THREADS PASSES}; {@code -Dverbose=true} prints
 * every pass (the JIT can change a kernel's speed 2x between passes when it recompiles it).
 */
public final class DecodeMatVecBandwidth {
    private static final int HIDDEN = 768;
    private static final int KV = 4 * 64;
    private static final int FF = 2048;
    private static final int LAYERS = 16;
    private static final int VOCAB = 32_000;
    /**
     * The stream reference's vectors: the preferred width capped at 512 bits, as {@code StreamBandwidth}; a
     * {@code static final}, so the JIT compiles the sum to vector instructions.
     */
    private static final VectorSpecies<Float> STREAM = FloatVector.SPECIES_PREFERRED.vectorBitSize() > 512
            ? FloatVector.SPECIES_512 : FloatVector.SPECIES_PREFERRED;

    private DecodeMatVecBandwidth() {
    }

    public static void main(String[] args) {
        if (args.length != 5) {
            System.err.println("usage: DecodeMatVecBandwidth BITS f32|bf16 ROWS THREADS PASSES");
            System.exit(2);
        }
        int bits = Integer.parseInt(args[0]);
        boolean bf16 = args[1].equals("bf16");
        int rows = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        int passes = Integer.parseInt(args[4]);
        List<Matrix> weights = benchModelWeights(bf16);
        long bytes = weights.stream().mapToLong(Matrix::byteSize).sum();
        float[] plain = new float[(int) (bytes / Float.BYTES)];
        Arrays.fill(plain, 1e-3f);
        float[] x = new float[rows * FF];
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() - 0.5);
        }
        float[] out = new float[rows * VOCAB];
        VectorSpecies<Float> species = VectorKernels.speciesOfBits(bits);
        try (EnginePool pool = threads > 1 ? new EnginePool(threads) : null) {
            Kernels kernels = new VectorKernels(pool, species);
            ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
            long[] matVecNanos = new long[passes];
            long[] streamNanos = new long[passes];
            double sink = 0;
            for (int p = 0; p < passes; p++) {
                long t0 = now(cpu, threads);
                for (Matrix w : weights) {
                    kernels.matmul(w, x, rows, out);
                    sink += out[0];
                }
                long t1 = now(cpu, threads);
                sink += streamSum(plain, pool);
                long t2 = now(cpu, threads);
                matVecNanos[p] = t1 - t0;
                streamNanos[p] = t2 - t1;
                if (Boolean.getBoolean("verbose")) {
                    System.out.printf(Locale.ROOT, "pass %d: mat-vec %.1f ms, stream %.1f ms%n", p, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
                }
            }
            if (Double.isNaN(sink)) { // keeps the results observable
                throw new IllegalStateException("NaN");
            }
            double matVec = bytes / medianOfLastTwoThirds(matVecNanos);
            double stream = bytes / medianOfLastTwoThirds(streamNanos);
            System.out.printf(Locale.ROOT, "%d-bit %s rows=%d threads=%d, %.1f MB of weights per pass, %d passes: "
                            + "mat-vec %.2f GB/s, stream (%d-bit) %.2f GB/s (per %s), mat-vec/stream %.2f%n",
                    bits, args[1], rows, threads, bytes / 1e6, passes, matVec, STREAM.vectorBitSize(), stream,
                    threads == 1 ? "CPU-second" : "wall-clock second", matVec / stream);
        }
    }

    private static long now(ThreadMXBean cpu, int threads) {
        return threads == 1 ? cpu.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** The bench model's projections, layer by layer (q, k, v, o, gate, up, down), then the LM head. */
    private static List<Matrix> benchModelWeights(boolean bf16) {
        int[][] layer = {{HIDDEN, HIDDEN}, {KV, HIDDEN}, {KV, HIDDEN}, {HIDDEN, HIDDEN}, {FF, HIDDEN}, {FF, HIDDEN},
                {HIDDEN, FF}};
        SplittableRandom random = new SplittableRandom(1);
        List<Matrix> weights = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) {
            for (int[] shape : layer) {
                weights.add(randomMatrix(random, bf16, shape[0], shape[1]));
            }
        }
        weights.add(randomMatrix(random, bf16, VOCAB, HIDDEN));
        return weights;
    }

    private static Matrix randomMatrix(SplittableRandom random, boolean bf16, int rows, int cols) {
        int n = rows * cols;
        if (bf16) {
            short[] bits = new short[n];
            for (int i = 0; i < n; i++) {
                bits[i] = Bf16Matrix.fromFloat((float) (random.nextDouble() - 0.5));
            }
            return new Bf16Matrix(bits, rows, cols);
        }
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) (random.nextDouble() - 0.5);
        }
        return new F32Matrix(w, rows, cols);
    }

    /** The array summed in as many parts as the pool has threads, 4 accumulators each. */
    private static double streamSum(float[] data, EnginePool pool) {
        int parts = pool == null ? 1 : pool.threads();
        double[] partial = new double[parts];
        EnginePool.RangeBody body = (first, end) -> {
            for (int part = first; part < end; part++) {
                int from = (int) ((long) data.length * part / parts);
                int to = (int) ((long) data.length * (part + 1) / parts);
                partial[part] = sum(data, from, to);
            }
        };
        if (pool == null) {
            body.run(0, parts);
        } else {
            pool.parallelFor(parts, body);
        }
        return Arrays.stream(partial).sum();
    }

    private static double sum(float[] data, int from, int to) {
        int lanes = STREAM.length();
        FloatVector a0 = FloatVector.zero(STREAM);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int i = from;
        for (; i + 4 * lanes <= to; i += 4 * lanes) {
            a0 = a0.add(FloatVector.fromArray(STREAM, data, i));
            a1 = a1.add(FloatVector.fromArray(STREAM, data, i + lanes));
            a2 = a2.add(FloatVector.fromArray(STREAM, data, i + 2 * lanes));
            a3 = a3.add(FloatVector.fromArray(STREAM, data, i + 3 * lanes));
        }
        double s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) {
            s += data[i];
        }
        return s;
    }

    private static double medianOfLastTwoThirds(long[] nanos) {
        long[] tail = Arrays.copyOfRange(nanos, nanos.length / 3, nanos.length);
        Arrays.sort(tail);
        int n = tail.length;
        return n % 2 == 1 ? tail[n / 2] : (tail[n / 2 - 1] + tail[n / 2]) / 2.0;
    }
}
