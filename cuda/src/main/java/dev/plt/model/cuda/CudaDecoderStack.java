package dev.plt.model.cuda;

import dev.plt.model.config.GateInput;
import dev.plt.model.config.ModelConfig;

/**
 * The M decoder layers (the loop body f) over the rows of one pass, on the device, in place on
 * {@link PassBuffers#hidden}: the CUDA twin of the CPU's {@code DecoderStack}, in the same order.
 * Per layer: RMSNorm; one GEMM for q, k and v; bias + RoPE; G-SWA gate logits; K/V into the full caches;
 * attention over the full caches; the G-SWA window branch and mix; ring-buffer writes; o_proj with the
 * residual add folded into the GEMM; RMSNorm; one GEMM for gate and up; SwiGLU; down_proj + residual.
 */
final class CudaDecoderStack {
    private final ModelConfig config;
    private final DeviceWeights weights;
    private final DeviceKernels kernels;
    private final RopeTable rope;
    private final float scale;

    CudaDecoderStack(ModelConfig config, DeviceWeights weights, DeviceKernels kernels, RopeTable rope) {
        this.config = config;
        this.weights = weights;
        this.kernels = kernels;
        this.rope = rope;
        this.scale = (float) (1.0 / Math.sqrt(config.headDim()));
    }

    void run(PassTables tables, PassBuffers b) {
        int n = tables.count();
        int d = config.hiddenSize();
        int q = config.queryDim();
        int kv = config.kvDim();
        int qkvWidth = PassBuffers.qkvWidth(config);
        int ff = config.intermediateSize();
        int heads = config.numHeads();
        int kvHeads = config.numKvHeads();
        int headDim = config.headDim();
        float eps = config.rmsNormEps();
        int windowRows = tables.windowRowCount();

        for (int layer = 0; layer < config.numLayers(); layer++) {
            DeviceWeights.Layer w = weights.layer(layer);
            kernels.rmsnorm(b.normed, d, true, b.hidden, d, 0, w.inputNorm(), eps, n, d);
            kernels.gemm(w.qkv(), b.normed, b.qkv, n, d, qkvWidth, false);
            kernels.ropeBias(b.qkv, qkvWidth, w.qkvBias(), tables.positionsAddress(), rope.cos(), rope.sin(), n,
                    heads, kvHeads, headDim);
            if (windowRows > 0) {
                if (config.gateInput() == GateInput.QUERY) {
                    kernels.gateQuery(b.gateLogits, b.qkv, qkvWidth, tables.windowRowsAddress(), windowRows,
                            w.gate(), w.gateBias(), heads, headDim);
                } else {
                    // The layer's residual input: b.hidden still holds it (o_proj has not added yet).
                    kernels.gateHidden(b.gateLogits, b.hidden, tables.windowRowsAddress(), windowRows,
                            w.gateNorm(), eps, w.gate(), w.gateBias(), heads, d);
                }
            }
            if (tables.anyFullWrite()) {
                kernels.storeKv(b.qkv, qkvWidth, q, kv, tables.positionsAddress(), tables.fullKeysAddress(layer),
                        tables.fullValuesAddress(layer), n);
            }
            kernels.attendCache(b.attention, q, b.qkv, qkvWidth, tables.positionsAddress(),
                    tables.taskRowsAddress(), tables.taskKeysAddress(layer), tables.taskValuesAddress(layer),
                    tables.taskCount(), tables.maxTaskRows(), heads, kvHeads, headDim, scale);
            if (windowRows > 0) {
                kernels.windowMix(b.attention, q, b.qkv, qkvWidth, q, kv, tables.windowRowsAddress(), windowRows,
                        tables.positionsAddress(), tables.runFirstRowAddress(), tables.ringKeysAddress(layer),
                        tables.ringValuesAddress(layer), config.windowSize() + 1, b.gateLogits, heads, kvHeads,
                        headDim, config.windowSize(), scale);
            }
            if (tables.ringWriteCount() > 0) {
                kernels.storeKv(b.qkv, qkvWidth, q, kv, tables.ringSlotsAddress(), tables.ringWriteKeysAddress(layer),
                        tables.ringWriteValuesAddress(layer), n);
            }
            kernels.toBf16(b.attentionBf16, b.attention, n * q);
            kernels.gemm(w.o(), b.attentionBf16, b.hidden, n, q, d, true);

            kernels.rmsnorm(b.normed, d, true, b.hidden, d, 0, w.postNorm(), eps, n, d);
            kernels.gemm(w.gateUp(), b.normed, b.gateUp, n, d, 2 * ff, false);
            kernels.swiglu(b.activation, b.gateUp, n, ff);
            kernels.gemm(w.down(), b.activation, b.hidden, n, ff, d, true);
        }
    }
}
