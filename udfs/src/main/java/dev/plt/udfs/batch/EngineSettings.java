package dev.plt.udfs.batch;

import dev.plt.model.inference.EngineOptions;
import dev.plt.model.inference.LengthLimit;
import dev.plt.model.weights.WeightFormat;
import java.io.Serializable;

/**
 * Every setting of how a Spark job runs the engine, in one serializable object: built once from the
 * command line (or from a transformer's params) and handed unchanged to the LM facade, the transformers
 * and the partition runner, so no setting can be dropped on the way.
 *
 * @param threads        engine threads of each executor's engine (one per executor JVM, shared by the
 *                       tasks it runs at once); 0: {@code spark.task.cpus}
 * @param backend        kernel backend: auto, vector, vector-256, vector-512, scalar, cuda, cuda:N
 * @param path           fast or reference
 * @param prefillChunk   positions per prefill pass (bounds memory; results do not depend on it)
 * @param batchSize      rows per engine micro-batch
 * @param maxBatchTokens tokens per engine micro-batch
 * @param sortWindow     rows read ahead and sorted by length before batching (bounds memory)
 * @param kvBudgetBytes  KV-cache bytes per executor JVM, split between its task slots; 0: the default
 *                       share of the executor's heap ({@link KvBudget})
 * @param lengthLimit    positions a row may use (0: the model's) and what happens to a longer one
 * @param weights        how the engine keeps the big weight matrices ({@code --weights}: stored, f32, bf16, int8)
 */
public record EngineSettings(int threads, String backend, String path, int prefillChunk, int batchSize,
        long maxBatchTokens, int sortWindow, long kvBudgetBytes, LengthLimit lengthLimit, WeightFormat weights)
        implements Serializable {
    public static final int DEFAULT_BATCH_SIZE = 16;
    public static final long DEFAULT_MAX_BATCH_TOKENS = 16384;
    public static final int DEFAULT_SORT_WINDOW = 1024;

    /** Weights as stored in the checkpoint. */
    public EngineSettings(int threads, String backend, String path, int prefillChunk, int batchSize,
            long maxBatchTokens, int sortWindow, long kvBudgetBytes, LengthLimit lengthLimit) {
        this(threads, backend, path, prefillChunk, batchSize, maxBatchTokens, sortWindow, kvBudgetBytes, lengthLimit,
                WeightFormat.STORED);
    }

    public EngineSettings {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0: spark.task.cpus), got " + threads);
        }
        if (batchSize < 1 || maxBatchTokens < 1 || sortWindow < 1) {
            throw new IllegalArgumentException("batch size, batch tokens and sort window must be >= 1");
        }
        if (kvBudgetBytes < 0) {
            throw new IllegalArgumentException("KV budget must be >= 0 (0: the default), got " + kvBudgetBytes);
        }
        // Checks path and prefill chunk as the engine will.
        new EngineOptions(1, backend, path, prefillChunk, weights);
    }

    /** The defaults of every PLT transformer. */
    public static EngineSettings defaults() {
        return new EngineSettings(0, "auto", "fast", 256, DEFAULT_BATCH_SIZE, DEFAULT_MAX_BATCH_TOKENS,
                DEFAULT_SORT_WINDOW, 0, new LengthLimit(0, LengthLimit.Overlong.ERROR));
    }

    /** The engine's own options, with {@code taskCpus} threads when {@link #threads} is 0. */
    public EngineOptions engineOptions(int taskCpus) {
        return new EngineOptions(threads == 0 ? taskCpus : threads, backend, path, prefillChunk, weights);
    }

    public EngineSettings withBatchSize(int rows) {
        return new EngineSettings(threads, backend, path, prefillChunk, rows, maxBatchTokens, sortWindow,
                kvBudgetBytes, lengthLimit, weights);
    }

    public EngineSettings withLengthLimit(LengthLimit limit) {
        return new EngineSettings(threads, backend, path, prefillChunk, batchSize, maxBatchTokens, sortWindow,
                kvBudgetBytes, limit, weights);
    }
}
