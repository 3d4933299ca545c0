package dev.plt.model.kernels.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** RMSNorm of one hidden-state row (every layer runs two per row), at the bench model's and a 7B's width. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RmsnormBenchmark {
    @Param({"vector-512", "vector-256", "scalar"})
    public String backend;

    @Param({"768", "4096"})
    public int width;

    private KernelChoice choice;
    private float[] x;
    private float[] weight;
    private float[] out;

    @Setup
    public void setUp() {
        choice = new KernelChoice(backend, 1);
        SplittableRandom random = new SplittableRandom(2);
        x = new float[width];
        weight = new float[width];
        out = new float[width];
        for (int i = 0; i < width; i++) {
            x[i] = (float) (random.nextDouble() * 4 - 2);
            weight[i] = (float) (1 + 0.1 * random.nextGaussian());
        }
    }

    @Benchmark
    public float[] rmsnorm() {
        choice.kernels.rmsnorm(x, 0, weight, 1e-5f, out, 0, width);
        return out;
    }
}
