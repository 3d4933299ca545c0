package dev.plt.model.kernels.jmh;

import dev.plt.model.tensor.Bf16Matrix;
import dev.plt.model.tensor.F32Matrix;
import dev.plt.model.tensor.Matrix;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The batched matmul every projection runs: a {@code size x size} weight matrix times {@code rows}
 * activation rows. 1 row is a non-loop decode step, 4 a few sequences (or PLT loops) sharing one read
 * of the weights, 32 the prefill / large-batch regime. Compare backends within one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MatmulBenchmark {
    @Param({"vector-512", "vector-256", "scalar"})
    public String backend;

    @Param({"f32", "bf16"})
    public String dtype;

    @Param({"1", "4", "32"})
    public int rows;

    /** 2048: a 1B-class layer's projection; the bench model's are 768 x 2048. */
    @Param({"2048"})
    public int size;

    @Param({"1"})
    public int threads;

    /**
     * "auto": the engine's choice (the packed GEMM from VectorKernels.defaultGemmMinRows on); "matvec": the
     * mat-vec tiles at every row count; "gemm": the packed GEMM at every row count. Same bits on all three;
     * only the vector backends have the choice.
     */
    @Param({"auto"})
    public String path;

    private KernelChoice choice;
    private Matrix weights;
    private float[] x;
    private float[] out;

    @Setup
    public void setUp() {
        choice = new KernelChoice(backend, threads, path);
        SplittableRandom random = new SplittableRandom(1);
        float[] w = new float[size * size];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextDouble() - 0.5);
        }
        if (dtype.equals("bf16")) {
            short[] bits = new short[w.length];
            for (int i = 0; i < w.length; i++) {
                bits[i] = Bf16Matrix.fromFloat(w[i]);
            }
            weights = new Bf16Matrix(bits, size, size);
        } else {
            weights = new F32Matrix(w, size, size);
        }
        x = new float[rows * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() - 0.5);
        }
        out = new float[rows * size];
    }

    @TearDown
    public void tearDown() {
        choice.close();
    }

    @Benchmark
    public float[] matmul() {
        choice.kernels.matmul(weights, x, rows, out);
        return out;
    }
}
