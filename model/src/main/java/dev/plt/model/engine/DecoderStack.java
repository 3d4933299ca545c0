package dev.plt.model.engine;

import dev.plt.model.config.LoopAttention;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.kernels.pool.EnginePool;
import dev.plt.model.kernels.Kernels;
import dev.plt.model.loop.GatedWindowAttention;
import dev.plt.model.loop.PassRows;
import dev.plt.model.loop.SequenceState;
import dev.plt.model.loop.WindowKvCache;
import dev.plt.model.weights.LayerWeights;
import dev.plt.model.weights.ModelWeights;

/**
 * Runs the rows of one pass through the M decoder layers (the loop body f), in place on
 * {@link PassRows#hidden}. Every projection is one batched matrix multiply over all rows, so a
 * weight matrix is read once per pass however many rows (sequences x loops) it holds.
 *
 * <p>Per layer: RMSNorm, Q/K/V (+bias), RoPE at each row's own position, K/V written to the full
 * caches, attention (see {@link GatedWindowAttention}), ring buffers updated, o_proj + residual,
 * RMSNorm, SwiGLU MLP + residual.
 */
public final class DecoderStack {
    private final ModelConfig config;
    private final ModelWeights weights;
    private final Kernels kernels;
    private final EnginePool pool;
    private final GatedWindowAttention attention;
    private final RotaryEmbedding rope;

    public DecoderStack(ModelConfig config, ModelWeights weights, Kernels kernels, EnginePool pool) {
        this.config = config;
        this.weights = weights;
        this.kernels = kernels;
        this.pool = pool;
        this.attention = new GatedWindowAttention(config, kernels);
        this.rope = new RotaryEmbedding(config.headDim(), config.ropeTheta());
    }

    public void run(PassRows rows) {
        int n = rows.count();
        int d = config.hiddenSize();
        int qDim = config.queryDim();
        int kvDim = config.kvDim();
        int ff = config.intermediateSize();
        float eps = config.rmsNormEps();

        float[] normed = new float[n * d];
        float[] q = new float[n * qDim];
        float[] k = new float[n * kvDim];
        float[] v = new float[n * kvDim];
        float[] attended = new float[n * qDim];
        float[] projected = new float[n * d];
        float[] gate = new float[n * ff];
        float[] up = new float[n * ff];
        RotaryEmbedding.Angles angles = rope.angles(rows.positions(), n);

        for (int layer = 0; layer < config.numLayers(); layer++) {
            LayerWeights w = weights.layers().get(layer);
            float[] residual = rows.hidden;

            for (int row = 0; row < n; row++) {
                kernels.rmsnorm(residual, row * d, w.inputNorm(), eps, normed, row * d, d);
            }
            kernels.matmul(w.wq(), normed, n, q);
            kernels.matmul(w.wk(), normed, n, k);
            kernels.matmul(w.wv(), normed, n, v);
            addBias(q, w.bq(), n);
            addBias(k, w.bk(), n);
            addBias(v, w.bv(), n);
            rope.rotate(q, config.numHeads(), angles);
            rope.rotate(k, config.numKvHeads(), angles);
            float[] gateLogits = attention.gateLogits(rows, w, residual, q);

            writeFullCaches(rows, layer, k, v);
            attention.attend(rows, layer, q, k, v, gateLogits, attended, pool);
            writeWindowCaches(rows, layer, k, v);

            kernels.matmul(w.wo(), attended, n, projected);
            addRows(projected, residual, n, d);

            for (int row = 0; row < n; row++) {
                kernels.rmsnorm(residual, row * d, w.postAttentionNorm(), eps, normed, row * d, d);
            }
            kernels.matmul(w.wGate(), normed, n, gate);
            kernels.matmul(w.wUp(), normed, n, up);
            kernels.siluMul(gate, up, n * ff); // position-independent: same bits in vector body and tail
            kernels.matmul(w.wDown(), gate, n, projected);
            addRows(projected, residual, n, d);
        }
    }

    /** Loop 1 and non-sharing loops append this pass's K/V before anyone attends (plt-spec 3). */
    private void writeFullCaches(PassRows rows, int layer, float[] k, float[] v) {
        int kvDim = config.kvDim();
        for (int row = 0; row < rows.count(); row++) {
            SequenceState seq = rows.sequence(row);
            int loop = rows.loop(row);
            if (seq.hasOwnFullCache(loop)) {
                seq.fullCache(loop, layer).put(rows.position(row), k, row * kvDim, v, row * kvDim);
            }
        }
    }

    /** G-SWA loops keep their last w + 1 K/V; written after attention, which read them from the pass. */
    private void writeWindowCaches(PassRows rows, int layer, float[] k, float[] v) {
        int kvDim = config.kvDim();
        for (int row = 0; row < rows.count(); row++) {
            int loop = rows.loop(row);
            if (config.attentionOf(loop) == LoopAttention.SHARED_PLUS_WINDOW) {
                WindowKvCache ring = rows.sequence(row).windowCache(loop, layer);
                ring.put(rows.position(row), k, row * kvDim, v, row * kvDim);
            }
        }
    }

    /**
     * residual += x, one row at a time: elementwise kernels may treat a vector body and a scalar tail
     * differently, so calling them per row keeps each row's result independent of the batch size.
     */
    private void addRows(float[] x, float[] residual, int rows, int width) {
        for (int row = 0; row < rows; row++) {
            kernels.axpy(1f, x, row * width, residual, row * width, width);
        }
    }

    private static void addBias(float[] x, float[] bias, int rows) {
        if (bias == null) {
            return;
        }
        for (int row = 0; row < rows; row++) {
            for (int i = 0; i < bias.length; i++) {
                x[row * bias.length + i] += bias[i];
            }
        }
    }
}
