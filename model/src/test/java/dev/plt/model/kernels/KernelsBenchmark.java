package dev.plt.model.kernels;

import dev.plt.model.kernels.pool.EnginePool;
import dev.plt.model.tensor.Bf16Matrix;
import dev.plt.model.tensor.F32Matrix;
import dev.plt.model.tensor.Int8Quantizer;
import dev.plt.model.tensor.Matrix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A rough matmul benchmark (not a test): {@code java --add-modules jdk.incubator.vector -cp ...
 * dev.plt.model.kernels.KernelsBenchmark [size] [threads] [backends...]}. Prints the median of several
 * timed runs per backend, weight type and activation row count, then the small kernels. Compare ratios
 * within one run (the machines are noisy). Backends run in the given order in one JVM, e.g. "vector-512
 * vector-256", each after 1.5 s of warm-up: the Vector API is 100x slower until C2 has compiled it.
 * Classpath: model/target/classes, model/target/test-classes and slf4j-api (plus a binding, optional).
 */
public final class KernelsBenchmark {
    private KernelsBenchmark() {
    }

    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        List<String> backends = args.length > 2 ? Arrays.asList(args).subList(2, args.length)
                : List.of("vector-512", "vector-256");
        Random random = new Random(1);
        float[] wf = new float[size * size];
        for (int i = 0; i < wf.length; i++) {
            wf[i] = random.nextFloat() - 0.5f;
        }
        short[] wb = new short[wf.length];
        for (int i = 0; i < wf.length; i++) {
            wb[i] = Bf16Matrix.fromFloat(wf[i]);
        }
        List<Matrix> matrices = new ArrayList<>(List.of(new F32Matrix(wf, size, size), new Bf16Matrix(wb, size, size)));
        matrices.add(Int8Quantizer.quantize(matrices.get(0)));
        try (EnginePool pool = new EnginePool(threads)) {
            for (String backend : backends) {
                Kernels k = KernelBackends.select(backend, pool);
                for (Matrix w : matrices) {
                    for (int rows : new int[] {1, 2, 3, 4, 8, 64}) { // 2 and 3: a PLT-2 / PLT-3 step at batch 1
                        float[] x = new float[rows * size];
                        for (int i = 0; i < x.length; i++) {
                            x[i] = random.nextFloat() - 0.5f;
                        }
                        float[] out = new float[rows * size];
                        double[] ms = new double[15];
                        for (long end = System.nanoTime() + 1_500_000_000L; System.nanoTime() < end; ) {
                            k.matmul(w, x, rows, out);
                        }
                        for (int rep = 0; rep < ms.length; rep++) {
                            long t0 = System.nanoTime();
                            k.matmul(w, x, rows, out);
                            ms[rep] = (System.nanoTime() - t0) / 1e6;
                        }
                        Arrays.sort(ms);
                        double median = ms[ms.length / 2];
                        double gflops = 2.0 * rows * size * (double) size / (median * 1e6);
                        double gbps = w.byteSize() / (median * 1e6);
                        System.out.printf("%-10s %-10s rows=%d threads=%d: %7.3f ms  %6.1f GFLOP/s  %5.1f GB/s weights%n",
                                k.name(), w.getClass().getSimpleName(), rows, threads, median, gflops, gbps);
                    }
                }
                benchOps(k, random);
            }
        }
    }

    /** The small kernels, at sizes of a 7B-class model: a head-sized dot, an MLP-sized siluMul, etc. */
    private static void benchOps(Kernels k, Random random) {
        float[] a = new float[11008];
        float[] b = new float[11008];
        float[] c = new float[11008];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextFloat() * 8 - 4;
            b[i] = random.nextFloat() * 8 - 4;
        }
        float[] sink = new float[1];
        report(k, "dot n=128 x1000", () -> {
            float s = 0;
            for (int j = 0; j < 1000; j++) {
                s += k.dot(a, j, b, 0, 128);
            }
            sink[0] += s;
        });
        report(k, "axpy n=128 x1000", () -> {
            for (int j = 0; j < 1000; j++) {
                k.axpy(1e-6f, a, j, c, 0, 128);
            }
        });
        report(k, "rmsnorm n=4096", () -> k.rmsnorm(a, 0, b, 1e-5f, c, 0, 4096));
        report(k, "siluMul n=11008", () -> {
            System.arraycopy(a, 0, c, 0, c.length);
            k.siluMul(c, b, c.length);
        });
    }

    private static void report(Kernels k, String what, Runnable op) {
        for (long end = System.nanoTime() + 1_500_000_000L; System.nanoTime() < end; ) { // the Vector API is very slow until C2 compiles it
            op.run();
        }
        double[] us = new double[31];
        for (int rep = 0; rep < us.length; rep++) {
            long t0 = System.nanoTime();
            op.run();
            us[rep] = (System.nanoTime() - t0) / 1e3;
        }
        Arrays.sort(us);
        System.out.printf("%-10s %-22s %9.2f us%n", k.name(), what, us[us.length / 2]);
    }
}
