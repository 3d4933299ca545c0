package dev.plt.jobs.bench;

import dev.plt.model.bench.BenchShape;
import dev.plt.model.bench.StreamBandwidth;
import java.util.List;

/**
 * Everything one {@code plt bench} run measured: the content of {@code bench.json} (keys in snake_case),
 * and what the HTML page and the markdown table are drawn from. Times are medians of one run; compare
 * ratios within a run, not absolute figures across runs (the machines are shared and noisy).
 */
public record BenchReport(String startedAt, double seconds, Machine machine, Settings settings, ModelInfo model,
        StreamBandwidth.Result bandwidth, List<Decode> decode, List<Prefill> prefill, List<Kv> kv,
        List<Roofline> roofline, List<Ratio> ratios, Peer peer, Spark spark, List<Target> targets) {

    /** Where it ran: the host, the JVM and the engine's kernels. */
    public record Machine(String os, String arch, int cpus, String cpuModel, long memoryBytes, String javaVersion,
            String javaVendor, String javaVm, String kernelBackend, String vectorSpecies, int threads) {
    }

    /** The options the run used, after --quick and defaults were applied. */
    public record Settings(boolean quick, List<String> dtypes, List<Integer> batches, List<String> variants,
            int steps, int warmupSteps, int decodePromptTokens, int prefillTokens, int kvEngineTokens,
            int kvFilledTokens, long bandwidthBytes, String cacheDir) {
    }

    /** @param parameters of the non-loop model (the PLT variants add H x (d_h + 1) gate values per layer) */
    public record ModelInfo(String key, BenchShape shape, long parameters) {
    }

    /**
     * One decode measurement. A step gives one token to each of {@code batch} sequences.
     *
     * @param rowsPerPass  rows in each pass through the decoder stack (B x L for PLT, B otherwise)
     * @param passesPerStep passes per step (L for a vanilla loop, 1 otherwise)
     */
    public record Decode(String variant, String dtype, int batch, double msPerStep, double minMs, double maxMs,
            int steps, double tokensPerSecond, int rowsPerPass, int passesPerStep) {
    }

    public record Prefill(String variant, String dtype, int promptTokens, double seconds, double tokensPerSecond) {
    }

    /**
     * KV-cache bytes of one sequence.
     *
     * @param source "engine" (the model ran over the tokens) or "cache layout" (the engine's per-sequence
     *               caches filled directly: too long to run the model over here)
     */
    public record Kv(String variant, int tokens, long liveBytes, long formulaBytes, boolean equal, String source) {
    }

    /**
     * Batch-1 decode against the bandwidth roofline.
     *
     * @param weightBytesPerStep weight bytes one step streams: every pass reads all layers, then the LM head
     * @param fraction           {@code rooflineMs / decodeMs}: 1.0 would be decode at full read bandwidth
     */
    public record Roofline(String variant, String dtype, long weightBytesPerStep, double rooflineMs, double decodeMs,
            double fraction) {
    }

    /** {@code numerator / denominator} of decode ms/step, same dtype and batch, same run. */
    public record Ratio(String name, String dtype, int batch, double numeratorMs, double denominatorMs, double ratio) {
    }

    /**
     * The DJL/PyTorch peer ({@code bin/plt-peer}) on the f32 non-loop and PLT-2 models.
     *
     * @param status "ok", "skipped" (--no-peer or nothing to compare), "missing" (not installed or not
     *               built) or "failed"; {@code detail} says why
     */
    public record Peer(String status, String detail, String engine, List<PeerFigure> figures) {
    }

    /**
     * Engine against peer at one batch size. Speedups are engine / peer in tokens per second (above 1:
     * the engine is faster). Prefill figures are given at batch 1 only.
     */
    public record PeerFigure(String variant, int batch, double peerDecodeMsPerToken, double peerDecodeTokensPerSecond,
            double engineDecodeTokensPerSecond, double decodeSpeedup, Double peerPrefillTokensPerSecond,
            Double enginePrefillTokensPerSecond, Double prefillSpeedup) {
    }

    /**
     * The same rows scored by direct engine calls and by the {@code score} job on local[1] and local[2].
     *
     * @param coldStartSeconds   wall time of the first, untimed job of this JVM (a few rows): Spark's own start-up
     * @param jobOverhead        local[1] job wall time / bare engine load + score time
     * @param local2OverLocal1   throughput of local[2] / local[1]
     * @param resultsIdentical   every row's total_logprob from both jobs equals the bare engine's, bit for bit
     */
    public record Spark(String variant, String dtype, int rows, int tokensPerRow, double bareLoadSeconds,
            double bareScoreSeconds, double bareRowsPerSecond, double coldStartSeconds, List<SparkJob> jobs, double jobOverhead,
            double local2OverLocal1, boolean resultsIdentical) {
    }

    /** @param seconds wall time of the whole job: Spark start, model load, read, score, write */
    public record SparkJob(String master, double seconds, double rowsPerSecond) {
    }

    /**
     * One target of the issue, checked against this run's figures.
     *
     * @param measured null when this run did not measure it (variant not selected, peer missing)
     * @param met      null when not measured
     */
    public record Target(String name, Double measured, String comparison, double threshold, Boolean met,
            String note) {
    }
}
