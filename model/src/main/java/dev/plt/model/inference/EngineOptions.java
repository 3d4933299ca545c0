package dev.plt.model.inference;

/**
 * How a model is run (serializable: Spark ships it to executors inside the model key).
 *
 * @param threads      engine threads (its own pool; in Spark, follow spark.task.cpus)
 * @param backend      kernel backend: auto, vector, vector-256, vector-512, scalar, or cuda (GPU)
 * @param path         "fast" (KV caches, CLP decode) or "reference" (the full-sequence oracle)
 * @param prefillChunk positions per prefill pass; bounds activation memory for long prompts
 * @param widenBf16    widen bf16 weights to f32 at load (faster on CPUs without bf16 dot products,
 *                     twice the memory)
 */
public record EngineOptions(int threads, String backend, String path, int prefillChunk, boolean widenBf16)
        implements java.io.Serializable {
    public EngineOptions {
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

    public EngineOptions withThreads(int n) {
        return new EngineOptions(n, backend, path, prefillChunk, widenBf16);
    }

    public EngineOptions withBackend(String b) {
        return new EngineOptions(threads, b, path, prefillChunk, widenBf16);
    }

    public EngineOptions withPath(String p) {
        return new EngineOptions(threads, backend, p, prefillChunk, widenBf16);
    }

    public EngineOptions withPrefillChunk(int chunk) {
        return new EngineOptions(threads, backend, path, chunk, widenBf16);
    }

    public EngineOptions withWidenBf16(boolean widen) {
        return new EngineOptions(threads, backend, path, prefillChunk, widen);
    }
}
