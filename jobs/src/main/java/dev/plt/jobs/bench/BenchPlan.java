package dev.plt.jobs.bench;

import dev.plt.model.bench.BenchShape;
import dev.plt.model.bench.BenchVariant;
import dev.plt.model.kernels.KernelBackends;
import java.nio.file.Path;
import java.util.List;

/**
 * What one bench run will do, options resolved: {@code --quick} picks a tiny shape and few steps.
 *
 * @param home the installation ({@code -Dplt.home}, set by bin/plt): where bin/plt-peer is looked for
 */
public record BenchPlan(BenchShape shape, List<EngineDtype> dtypes, List<Integer> batches, List<BenchVariant> variants,
        int steps, int warmupSteps, int decodePromptTokens, int prefillTokens, int kvEngineTokens, int kvFilledTokens,
        long bandwidthBytes, int threads, String backend, boolean quick, boolean peer, boolean spark, int sparkRows,
        int sparkTokensPerRow, Path output, Path cacheDir, Path home) {

    public BenchPlan {
        require(!dtypes.isEmpty() && !batches.isEmpty() && !variants.isEmpty(),
                "--dtypes, --batches and --variants need at least one value each");
        require(batches.stream().allMatch(b -> b >= 1), "--batches must all be >= 1, got " + batches);
        require(steps >= 1, "--steps must be >= 1, got " + steps);
        require(warmupSteps >= 0, "--warmup-steps must be >= 0, got " + warmupSteps);
        require(threads >= 1, "--threads must be >= 1, got " + threads);
        require(KernelBackends.OPTIONS.contains(backend),
                "--backend must be one of " + String.join(", ", KernelBackends.OPTIONS) + ", got '" + backend + "'");
        require(sparkRows >= 1, "--spark-rows must be >= 1, got " + sparkRows);
        require(dtypes.stream().distinct().count() == dtypes.size()
                && variants.stream().distinct().count() == variants.size()
                && batches.stream().distinct().count() == batches.size(),
                "--dtypes, --batches and --variants must not repeat a value");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The dtype whose models the KV figures come from (KV is kept in f32 whatever the weights' dtype). */
    public EngineDtype kvDtype() {
        return dtypes.get(0);
    }
}
