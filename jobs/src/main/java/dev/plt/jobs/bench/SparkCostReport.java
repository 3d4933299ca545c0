package dev.plt.jobs.bench;

import java.util.List;

/**
 * What {@code plt bench --spark-cost} measured (bench-spark.json, keys in snake_case). Every time is
 * the median over interleaved rounds; wall and CPU seconds of this JVM (all its threads) are both given.
 *
 * @param master         the Spark master of every job (local[1]: one task slot, like the bare side's one thread)
 * @param engineThreads  engine threads on both sides
 * @param loadAverage    the machine's 1-minute load average at the start and the end of the run
 * @param sessionStart   starting the Spark session (once per application; not in any job figure below)
 */
public record SparkCostReport(String startedAt, double seconds, String master, int engineThreads, int rounds,
        double[] loadAverage, Timed sessionStart, Score score, Evaluate evaluate) {

    /**
     * (a) {@code plt score} against the bare engine on the benchmark model: the same rows, the same engine
     * (the job's own, from its executor's registry), the same micro-batches.
     *
     * @param firstJob          the first score job of the JVM: Spark's class loading and code generation,
     *                          plus the model load (untimed in the rounds)
     * @param modelLoad         loading the model (PltModel.load) with the job's engine options, page cache warm
     * @param bare              the engine alone scoring every row, model loaded
     * @param job               the whole score job in a running session with the model already in the
     *                          registry: read, row ids, count, shuffle, prepare, Arrow, engine, write, commit
     * @param oneRowBare        the engine alone on the first row
     * @param oneRowJob         the score job on that one row (session running, model in the registry)
     * @param jobFixed          oneRowJob - oneRowBare: the job's fixed cost, whatever its rows
     * @param jobOverhead       job / bare - 1 (wall clock): what one score job adds over the engine on these rows
     * @param jobCpuOverhead    the same in CPU seconds
     * @param perRowOverhead    (job - jobFixed) / bare - 1: what the Spark path adds per row, fixed cost left out
     * @param perRowCpuOverhead the same in CPU seconds
     * @param wholeJobOverhead  (session start + model load + job) / (model load + bare) - 1: a fresh
     *                          {@code plt score} against a fresh bare engine, both in a warm JVM
     * @param modelLoadsInRounds loads of the model by the job's registry during the rounds (0: loaded once)
     * @param resultsIdentical  every job row's total_logprob equals the bare engine's, bit for bit, every round
     */
    public record Score(String model, String variant, String dtype, long parameters, int rows, int tokensPerRow,
            int batchSize, int partitions, Timed firstJob, Timed modelLoad, Timed bare, Timed job, Timed oneRowBare,
            Timed oneRowJob, Timed jobFixed, double jobOverhead, double jobCpuOverhead, double perRowOverhead,
            double perRowCpuOverhead, double wholeJobOverhead, int modelLoadsInRounds, boolean resultsIdentical,
            List<Round> rounds, List<Round> oneRowRounds) {
    }

    /**
     * (b) {@code evaluate --task perplexity} through Spark against {@code plt infer} on the same windows, on
     * the embedded model. Both load the model themselves each time; neither pays a session start (the job
     * runs in the session started first, as in a long-lived application).
     *
     * @param tokens                 tokens of all windows: the positions both sides run
     * @param evaluate               the whole evaluate command (model load, requests, windows, engine, responses
     *                               store, samples, metrics, lm-eval files, report)
     * @param infer                  the whole infer command (model load, read, engine, write)
     * @param evaluateTokensPerSecond tokens / evaluate wall seconds
     * @param inferTokensPerSecond    tokens / infer wall seconds
     * @param ratio                  evaluate / infer tokens per second (the target: at least 0.5)
     * @param ratioWithSessionStart  the same with the session start added to evaluate's time (a fresh
     *                               {@code bin/plt evaluate} pays it; both would pay the JVM start)
     * @param evaluateBitsPerByte    bits_per_byte of evaluate's metrics.json
     * @param inferBitsPerByte       the same computed from infer's token log-probs: equal when both sides
     *                               scored the same windows
     */
    public record Evaluate(String model, List<String> taskArgs, int limit, int maxLength, int batchSize, int documents,
            int windows, long tokens, long predictedTokens, Timed evaluate, Timed infer, double evaluateTokensPerSecond,
            double inferTokensPerSecond, double ratio, double ratioWithSessionStart, double evaluateBitsPerByte,
            double inferBitsPerByte, List<Round> rounds) {
    }

    /** One round: the two sides in the order they ran. */
    public record Round(int round, String first, Timed engineSide, Timed sparkSide) {
    }
}
