package dev.plt.model.kernels.jmh;

import dev.plt.model.config.ConfigLoader;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.loop.PassRows;
import dev.plt.model.io.DType;
import dev.plt.model.kernels.pool.EnginePool;
import dev.plt.model.kernels.KernelBackends;
import dev.plt.model.loop.GatedWindowAttention;
import dev.plt.model.loop.SequenceState;
import dev.plt.model.checkpoint.RandomCheckpoint;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Attention of one decode row over a context of {@code context} positions, every head, on the bench
 * model's attention shape (12 query heads, 4 KV heads, d_h 64, w = 64): "full" is loop 1 (causal over its
 * own cache), "gswa" a PLT loop >= 2 (the global branch over loop 1's cache, the local branch over its
 * w + 1 window, mixed by the gate). Its inner loops are the backend's attention kernels.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AttentionBenchmark {
    @Param({"vector-512", "vector-256", "scalar"})
    public String backend;

    @Param({"full", "gswa"})
    public String kind;

    @Param({"512", "2048"})
    public int context;

    private GatedWindowAttention attention;
    private EnginePool pool;
    private PassRows rows;
    private float[] q;
    private float[] k;
    private float[] v;
    private float[] gateLogits;
    private float[] out;

    @Setup
    public void setUp() throws Exception {
        RandomCheckpoint.Spec spec = RandomCheckpoint.Spec.small().withShape(768, 2048, 1, 12, 4, 64, 512)
                .withSharing(true, true, false, 64).withFormat(false, false, DType.F32, 1, 1);
        ModelConfig config = ConfigLoader.parse("bench config",
                new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(RandomCheckpoint.config(spec)));
        attention = new GatedWindowAttention(config, KernelBackends.select(backend, null));
        SplittableRandom random = new SplittableRandom(3);
        int t = context - 1; // the decode row's position; the caches hold positions 0 .. t
        SequenceState state = new SequenceState(config, context);
        float[] kv = new float[config.kvDim()];
        float[] kv2 = new float[config.kvDim()];
        for (int p = 0; p <= t; p++) {
            fill(kv, random);
            fill(kv2, random);
            state.fullCache(0, 0).put(p, kv, 0, kv2, 0);
            if (p < t) {
                state.windowCache(1, 0).put(p, kv, 0, kv2, 0);
            }
        }
        int loop = kind.equals("gswa") ? 1 : 0;
        rows = new PassRows(1, config.hiddenSize());
        rows.set(0, state, loop, t);
        q = fill(new float[config.queryDim()], random);
        k = fill(new float[config.kvDim()], random);
        v = fill(new float[config.kvDim()], random);
        gateLogits = fill(new float[config.numHeads()], random);
        out = new float[config.queryDim()];
        pool = new EnginePool(1); // one thread: the kernel's cost, not the pool's
    }

    private static float[] fill(float[] a, SplittableRandom random) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (random.nextDouble() - 0.5);
        }
        return a;
    }

    @TearDown
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public float[] attendOneRow() {
        attention.attend(rows, 0, q, k, v, gateLogits, out, pool);
        return out;
    }
}
