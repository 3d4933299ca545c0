package dev.plt.model.bench;

import dev.plt.model.kernels.pool.EnginePool;
import dev.plt.model.kernels.KernelBackends;
import java.util.Arrays;

/**
 * The machine's streaming read bandwidth, measured the way decode reads weights: a large float array
 * summed with the Vector API by the engine's own pool, on the same thread count as the engine. Decode
 * at batch 1 cannot beat {@code weight bytes per step / this bandwidth} (the roofline).
 */
public final class StreamBandwidth {
    /** Parts per thread: a slow thread on a shared machine does not hold a whole run up. */
    private static final int PARTS_PER_THREAD = 8;
    private static final int WARMUP_RUNS = 2;

    /**
     * @param method how the array was summed, e.g. "FloatVector 512-bit (16 lanes)" or "scalar"
     * @param gbPerSecond median over the timed runs, in 1e9 bytes per second
     */
    public record Result(long bytes, int threads, int runs, String method, double gbPerSecond, double bestGbPerSecond) {
    }

    private StreamBandwidth() {
    }

    public static Result measure(long bytes, EnginePool pool, int runs) {
        if (bytes < 4 || bytes / Float.BYTES > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("bandwidth array of " + bytes + " bytes: must hold 1 .. 2^31-9 floats");
        }
        float[] data = new float[(int) (bytes / Float.BYTES)];
        Arrays.fill(data, 1e-3f); // touches every page, so no run pays for first-touch faults
        boolean vector = KernelBackends.vectorModulePresent();
        String method = vector ? VectorStreamSum.description() : "scalar (no Vector API module)";
        int parts = pool.threads() * PARTS_PER_THREAD;
        double[] partial = new double[parts];
        double[] gbps = new double[runs];
        double sink = 0;
        for (int run = 0; run < WARMUP_RUNS + runs; run++) {
            long start = System.nanoTime();
            pool.parallelFor(parts, 1, (first, end) -> {
                for (int part = first; part < end; part++) {
                    int from = (int) ((long) data.length * part / parts);
                    int to = (int) ((long) data.length * (part + 1) / parts);
                    partial[part] = vector ? VectorStreamSum.sum(data, from, to) : scalarSum(data, from, to);
                }
            });
            double seconds = (System.nanoTime() - start) / 1e9;
            for (double p : partial) {
                sink += p;
            }
            if (run >= WARMUP_RUNS) {
                gbps[run - WARMUP_RUNS] = data.length * (double) Float.BYTES / seconds / 1e9;
            }
        }
        if (Double.isNaN(sink)) { // keeps the sums observable, so the JIT cannot drop the reads
            throw new IllegalStateException("bandwidth sum is NaN");
        }
        Stats stats = Stats.of(gbps);
        return new Result((long) data.length * Float.BYTES, pool.threads(), runs, method, stats.median(), stats.max());
    }

    private static double scalarSum(float[] data, int from, int to) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = from;
        for (; i + 4 <= to; i += 4) {
            s0 += data[i];
            s1 += data[i + 1];
            s2 += data[i + 2];
            s3 += data[i + 3];
        }
        for (; i < to; i++) {
            s0 += data[i];
        }
        return (double) s0 + s1 + s2 + s3;
    }
}
