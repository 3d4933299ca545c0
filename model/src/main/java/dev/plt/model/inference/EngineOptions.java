package dev.plt.model.inference;

import dev.plt.model.weights.WeightFormat;

/**
 * How a model is run (serializable: Spark ships it to executors inside the model key).
 *
 * @param threads      engine threads (its own pool; in Spark, follow spark.task.cpus)
 * @param backend      kernel backend: auto, vector, vector-256, vector-512, scalar, or cuda (GPU)
 * @param path         "fast" (KV caches, CLP decode) or "reference" (the full-sequence oracle)
 * @param prefillChunk positions per prefill pass; bounds activation memory for long prompts
 * @param weights      how the big weight matrices are kept ({@code --weights}): as stored, f32 (bf16 widened:
 *                     faster on CPUs without bf16 dot products, twice the memory), bf16, or int8
 */
public record EngineOptions(int threads, String backend, String path, int prefillChunk, WeightFormat weights)
        implements java.io.Serializable {
    /** @param widenBf16 true: {@link WeightFormat#F32}; false: {@link WeightFormat#STORED} */
    public EngineOptions(int threads, String backend, String path, int prefillChunk, boolean widenBf16) {
        this(threads, backend, path, prefillChunk, widenBf16 ? WeightFormat.F32 : WeightFormat.STORED);
    }

    public EngineOptions {
        if (weights == null) {
            throw new IllegalArgumentException("weights format must be set (stored, f32, bf16 or int8)");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (!path.equals("fast") && !path.equals("reference")) {
            throw new IllegalArgumentException("path must be 'fast' or 'reference', got '" + path + "'");
        }
        if (prefillChunk < 1) {
            throw new IllegalArgumentException("prefillChunk must be >= 1, got " + prefillChunk);
        }
    }

    public static EngineOptions defaults() {
        return new EngineOptions(Runtime.getRuntime().availableProcessors(), "auto", "fast", 256, false);
    }

    /** Whether bf16 weights are widened to f32 at load. */
    public boolean widenBf16() {
        return weights == WeightFormat.F32;
    }

    public EngineOptions withThreads(int n) {
        return new EngineOptions(n, backend, path, prefillChunk, weights);
    }

    public EngineOptions withBackend(String b) {
        return new EngineOptions(threads, b, path, prefillChunk, weights);
    }

    public EngineOptions withPath(String p) {
        return new EngineOptions(threads, backend, p, prefillChunk, weights);
    }

    public EngineOptions withPrefillChunk(int chunk) {
        return new EngineOptions(threads, backend, path, chunk, weights);
    }

    public EngineOptions withWidenBf16(boolean widen) {
        return new EngineOptions(threads, backend, path, prefillChunk, widen);
    }

    public EngineOptions withWeights(WeightFormat format) {
        return new EngineOptions(threads, backend, path, prefillChunk, format);
    }
}
