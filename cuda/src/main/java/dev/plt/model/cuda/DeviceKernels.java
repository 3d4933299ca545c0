package dev.plt.model.cuda;

import java.util.List;

/**
 * The kernels of plt_kernels.cu as typed Java calls: each method computes the launch (grid, block,
 * shared memory; {@link LaunchMath}) and passes the arguments in the order of the kernel's parameters.
 * This is the only place where that order is written on the Java side; KernelSignatureTest checks it
 * against the {@code .param} lists of the compiled PTX. All "rows" arguments are row counts of a pass.
 */
final class DeviceKernels {
    static final String EMBED_ROWS = "plt_embed_rows";
    static final String COPY_VECTORS = "plt_copy_vectors";
    static final String TO_BF16 = "plt_to_bf16";
    static final String RMSNORM = "plt_rmsnorm";
    static final String ROPE_BIAS = "plt_rope_bias";
    static final String STORE_KV = "plt_store_kv";
    static final String ATTEND_CACHE = "plt_attend_cache";
    static final String GATE_QUERY = "plt_gate_query";
    static final String GATE_HIDDEN = "plt_gate_hidden";
    static final String WINDOW_MIX = "plt_window_mix";
    static final String SWIGLU = "plt_swiglu";
    static final String ARGMAX = "plt_argmax";
    static final String SAMPLE = "plt_sample";

    /** Every entry point the Java side launches; the kernel image must export each one. */
    static final List<String> ALL = List.of(EMBED_ROWS, COPY_VECTORS, TO_BF16, RMSNORM, ROPE_BIAS, STORE_KV,
            ATTEND_CACHE, GATE_QUERY, GATE_HIDDEN, WINDOW_MIX, SWIGLU, ARGMAX, SAMPLE);

    /** Kernels whose dynamic shared memory may exceed the default 48 KB, so their limit is raised at load. */
    static final List<String> LARGE_SHARED_MEMORY = List.of(ATTEND_CACHE, WINDOW_MIX, GATE_HIDDEN);

    private final Gpu gpu;

    DeviceKernels(Gpu gpu) {
        this.gpu = gpu;
    }

    private void launch(String kernel, int gridX, int gridY, int threads, long sharedBytes, KernelArgs args) {
        if (gridX == 0) {
            return;
        }
        gpu.launch(new KernelLaunch(kernel, gridX, gridY, threads, Math.toIntExact(sharedBytes), args));
    }

    void embedRows(long hidden, long embedding, long tokens, long carrySources, float a, float b, int rows, int d) {
        launch(EMBED_ROWS, rows, 1, LaunchMath.threadsFor(d), 0, new KernelArgs().pointer(hidden)
                .pointer(embedding).pointer(tokens).pointer(carrySources).float32(a).float32(b).int32(d));
    }

    void copyVectors(long sources, long targets, int count, int width) {
        launch(COPY_VECTORS, count, 1, LaunchMath.threadsFor(width), 0,
                new KernelArgs().pointer(sources).pointer(targets).int32(width));
    }

    void toBf16(long out, long in, int count) {
        int threads = LaunchMath.MAX_THREADS;
        launch(TO_BF16, LaunchMath.gridStrideBlocks(count, threads), 1, threads, 0,
                new KernelArgs().pointer(out).pointer(in).int32(count));
    }

    /** @param rowSelect 0 for "output row r is input row r" */
    void rmsnorm(long out, int outStride, boolean outBf16, long x, int xStride, long rowSelect, long weight,
            float eps, int rows, int d) {
        launch(RMSNORM, rows, 1, LaunchMath.threadsFor(d), 0, new KernelArgs().pointer(out).int32(outStride)
                .int32(outBf16 ? 1 : 0).pointer(x).int32(xStride).pointer(rowSelect).pointer(weight)
                .float32(eps).int32(d));
    }

    /** @param bias 0 when the model has no attention bias */
    void ropeBias(long qkv, int stride, long bias, long positions, long cosTable, long sinTable, int rows,
            int heads, int kvHeads, int headDim) {
        launch(ROPE_BIAS, rows, 1, LaunchMath.threadsFor((long) (heads + kvHeads) * headDim / 2), 0,
                new KernelArgs().pointer(qkv).int32(stride).pointer(bias).pointer(positions).pointer(cosTable)
                        .pointer(sinTable).int32(heads).int32(kvHeads).int32(headDim));
    }

    void storeKv(long qkv, int stride, int qDim, int kvDim, long slots, long keyBases, long valueBases, int rows) {
        launch(STORE_KV, rows, 1, LaunchMath.threadsFor(kvDim), 0, new KernelArgs().pointer(qkv).int32(stride)
                .int32(qDim).int32(kvDim).pointer(slots).pointer(keyBases).pointer(valueBases));
    }

    /** @param maxTaskRows the most rows any task of this launch holds (sizes shared memory) */
    void attendCache(long out, int outStride, long qkv, int qkvStride, long positions, long taskRows,
            long taskKeys, long taskValues, int tasks, int maxTaskRows, int heads, int kvHeads, int headDim,
            float scale) {
        int queries = maxTaskRows * (heads / kvHeads);
        int tile = LaunchMath.attendTile(queries, headDim);
        launch(ATTEND_CACHE, tasks, kvHeads, LaunchMath.attendThreads(queries, tile, headDim),
                LaunchMath.attendSharedBytes(queries, tile, headDim), new KernelArgs().pointer(out)
                        .int32(outStride).pointer(qkv).int32(qkvStride).pointer(positions).pointer(taskRows)
                        .pointer(taskKeys).pointer(taskValues).int32(heads).int32(kvHeads).int32(headDim)
                        .float32(scale).int32(tile));
    }

    void gateQuery(long gateLogits, long qkv, int qkvStride, long windowRows, int rows, long gateWeight,
            long gateBias, int heads, int headDim) {
        launch(GATE_QUERY, rows, 1, LaunchMath.threadsFor((long) heads * LaunchMath.WARP), 0,
                new KernelArgs().pointer(gateLogits).pointer(qkv).int32(qkvStride).pointer(windowRows)
                        .pointer(gateWeight).pointer(gateBias).int32(heads).int32(headDim));
    }

    void gateHidden(long gateLogits, long residual, long windowRows, int rows, long normWeight, float eps,
            long gateWeight, long gateBias, int heads, int d) {
        launch(GATE_HIDDEN, rows, 1, LaunchMath.threadsFor(Math.max(d, heads * LaunchMath.WARP)),
                LaunchMath.gateHiddenSharedBytes(d), new KernelArgs().pointer(gateLogits).pointer(residual)
                        .pointer(windowRows).pointer(normWeight).float32(eps).pointer(gateWeight)
                        .pointer(gateBias).int32(heads).int32(d));
    }

    void windowMix(long out, int outStride, long qkv, int qkvStride, int qDim, int kvDim, long windowRows,
            int rows, long positions, long runFirstRow, long ringKeys, long ringValues, int slots, long gateLogits,
            int heads, int kvHeads, int headDim, int window, float scale) {
        launch(WINDOW_MIX, rows, heads, LaunchMath.WARP, LaunchMath.windowSharedBytes(window), new KernelArgs()
                .pointer(out).int32(outStride).pointer(qkv).int32(qkvStride).int32(qDim).int32(kvDim)
                .pointer(windowRows).pointer(positions).pointer(runFirstRow).pointer(ringKeys)
                .pointer(ringValues).int32(slots).pointer(gateLogits).int32(heads).int32(kvHeads)
                .int32(headDim).int32(window).float32(scale));
    }

    void swiglu(long out, long gateUp, int rows, int ff) {
        int threads = LaunchMath.MAX_THREADS;
        launch(SWIGLU, LaunchMath.gridStrideBlocks((long) rows * ff, threads), 1, threads, 0,
                new KernelArgs().pointer(out).pointer(gateUp).int32(rows).int32(ff));
    }

    void argmax(long out, long logits, int rows, int vocab) {
        launch(ARGMAX, rows, 1, LaunchMath.threadsFor(vocab), 0,
                new KernelArgs().pointer(out).pointer(logits).int32(vocab));
    }

    void sample(long out, long logits, long temperatures, long uniforms, int rows, int vocab) {
        launch(SAMPLE, rows, 1, LaunchMath.threadsFor(vocab), 0, new KernelArgs().pointer(out).pointer(logits)
                .pointer(temperatures).pointer(uniforms).int32(vocab));
    }

    void gemm(long weights, long input, long output, int rows, int in, int out, boolean accumulate) {
        if (rows > 0) {
            gpu.gemm(GemmMapping.rowMajor(weights, input, output, rows, in, out, accumulate));
        }
    }
}
