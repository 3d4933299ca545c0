package dev.plt.model.kernels.jmh;

import dev.plt.model.kernels.Kernels;
import dev.plt.model.kernels.VectorKernels;
import dev.plt.model.tensor.Bf16Matrix;
import dev.plt.model.tensor.F32Matrix;
import dev.plt.model.tensor.Int8Quantizer;
import dev.plt.model.tensor.Matrix;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The mat-vec tiles against the packed GEMM on one thread, timed in CPU time of the calling thread, calls of
 * the two paths interleaved: on a shared machine with a load of 10 or more, wall-clock figures (JMH's) move
 * 2-4x from run to run, while a thread's CPU time mostly does not count the time others hold the core. Each
 * row count runs twice and the second pass is printed (the first warms the JIT). Also checks that both paths
 * give the same bits. Not a test; run it as
 * {@code java --add-modules jdk.incubator.vector -cp model/target/classes:model/target/test-classes
 * dev.plt.model.kernels.jmh.MatmulCpuTime BITS OUT_FEATURES IN_FEATURES f32|bf16|int8 CALLS ROWS...}.
 */
public final class MatmulCpuTime {
    private MatmulCpuTime() {
    }

    public static void main(String[] args) {
        if (args.length < 6) {
            System.err.println("usage: MatmulCpuTime BITS OUT_FEATURES IN_FEATURES f32|bf16|int8 CALLS ROWS...");
            System.exit(2);
        }
        int bits = Integer.parseInt(args[0]);
        int outFeatures = Integer.parseInt(args[1]);
        int cols = Integer.parseInt(args[2]);
        boolean bf16 = args[3].equals("bf16");
        boolean int8 = args[3].equals("int8");
        int calls = Integer.parseInt(args[4]);
        Matrix w = weights(new SplittableRandom(1), bf16, outFeatures, cols);
        if (int8) {
            w = Int8Quantizer.quantize(w);
        }
        Kernels matVec = new VectorKernels(null, VectorKernels.speciesOfBits(bits), Integer.MAX_VALUE);
        Kernels gemm = new VectorKernels(null, VectorKernels.speciesOfBits(bits), 1);
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 5; i < args.length; i++) {
                int rows = Integer.parseInt(args[i]);
                String line = compare(w, matVec, gemm, rows, calls);
                if (pass == 1) {
                    System.out.printf("%d-bit %s %dx%d rows=%d: %s%n", bits, args[3], outFeatures, cols, rows, line);
                }
            }
        }
    }

    private static String compare(Matrix w, Kernels matVec, Kernels gemm, int rows, int calls) {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        SplittableRandom random = new SplittableRandom(rows);
        float[] x = new float[rows * w.cols()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() - 0.5);
        }
        float[] viaMatVec = new float[rows * w.rows()];
        float[] viaGemm = new float[rows * w.rows()];
        long[] matVecNanos = new long[calls];
        long[] gemmNanos = new long[calls];
        for (int c = 0; c < calls; c++) {
            long t0 = cpu.getCurrentThreadCpuTime();
            matVec.matmul(w, x, rows, viaMatVec);
            long t1 = cpu.getCurrentThreadCpuTime();
            gemm.matmul(w, x, rows, viaGemm);
            long t2 = cpu.getCurrentThreadCpuTime();
            matVecNanos[c] = t1 - t0;
            gemmNanos[c] = t2 - t1;
        }
        if (!Arrays.equals(viaMatVec, viaGemm)) {
            throw new IllegalStateException("the mat-vec and the GEMM differ at " + rows + " rows");
        }
        double flop = 2.0 * rows * w.rows() * w.cols();
        double matVecMedian = median(matVecNanos);
        double gemmMedian = median(gemmNanos);
        return String.format("mat-vec %.1f GFLOP per CPU-s, GEMM %.1f, ratio %.2f (medians of %d calls)",
                flop / matVecMedian, flop / gemmMedian, matVecMedian / gemmMedian, calls);
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    private static Matrix weights(SplittableRandom random, boolean bf16, int rows, int cols) {
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextDouble() - 0.5);
        }
        if (!bf16) {
            return new F32Matrix(w, rows, cols);
        }
        short[] bits = new short[w.length];
        for (int i = 0; i < w.length; i++) {
            bits[i] = Bf16Matrix.fromFloat(w[i]);
        }
        return new Bf16Matrix(bits, rows, cols);
    }
}
