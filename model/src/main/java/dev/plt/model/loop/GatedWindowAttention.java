package dev.plt.model.loop;

import dev.plt.model.config.GateInput;
import dev.plt.model.config.LoopAttention;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.engine.PassRows;
import dev.plt.model.kernels.Kernels;
import dev.plt.model.weights.LayerWeights;

/**
 * Attention of one row of a pass, by what its loop reads (plt-spec section 4):
 * <ul>
 *   <li>its own full cache, causally (loop 1, serial loops, CLP without KV sharing);</li>
 *   <li>loop 1's cache only ("KV share only");</li>
 *   <li>G-SWA: per head, {@code g * global + (1 - g) * local}, where global attends over loop 1's
 *       cache up to t and local over this loop's own last w + 1 keys, found either among the rows of
 *       this pass (prefill) or in the loop's ring buffer (earlier passes).</li>
 * </ul>
 * The caller has already written this pass's K/V into the full caches, so rows of loops >= 2 see
 * loop 1's K/V of their own position (plt-spec section 3).
 */
public final class GatedWindowAttention {
    private final ModelConfig config;
    private final Kernels kernels;
    private final float scale;

    public GatedWindowAttention(ModelConfig config, Kernels kernels) {
        this.config = config;
        this.kernels = kernels;
        this.scale = (float) (1.0 / Math.sqrt(config.headDim()));
    }

    /** Scratch space for one thread; sized for a given longest context. */
    public static final class Scratch {
        final float[] scores;
        final float[] windowKeys;
        final float[] windowValues;
        final float[] global;
        final float[] local;

        public Scratch(ModelConfig config, int maxPositions) {
            int window = config.windowSize() + 1;
            scores = new float[Math.max(maxPositions, window)];
            windowKeys = new float[window * config.headDim()];
            windowValues = new float[window * config.headDim()];
            global = new float[config.headDim()];
            local = new float[config.headDim()];
        }
    }

    /**
     * G-SWA gate logits {@code [count][H]} for rows whose loop uses G-SWA (others left 0), or null
     * when no row does. {@code residualIn} is the layer's residual input, {@code q} the post-RoPE query.
     */
    public float[] gateLogits(PassRows rows, LayerWeights w, float[] residualIn, float[] q) {
        if (w.gate() == null || !anyRowUses(rows, LoopAttention.SHARED_PLUS_WINDOW)) {
            return null;
        }
        int heads = config.numHeads();
        int headDim = config.headDim();
        int d = config.hiddenSize();
        float[] logits = new float[rows.count() * heads];
        int gateWidth = w.gate().cols();
        float[] gateRows = new float[heads * gateWidth]; // widened once per pass, not once per row
        for (int h = 0; h < heads; h++) {
            w.gate().copyRow(h, gateRows, h * gateWidth);
        }
        float[] normed = new float[d];
        for (int row = 0; row < rows.count(); row++) {
            if (config.attentionOf(rows.loop(row)) != LoopAttention.SHARED_PLUS_WINDOW) {
                continue;
            }
            if (config.gateInput() == GateInput.HIDDEN_STATES) {
                kernels.rmsnorm(residualIn, row * d, w.gateNorm(), config.rmsNormEps(), normed, 0, d);
            }
            for (int h = 0; h < heads; h++) {
                float dot = config.gateInput() == GateInput.QUERY
                        ? kernels.dot(q, row * config.queryDim() + h * headDim, gateRows, h * gateWidth, headDim)
                        : kernels.dot(normed, 0, gateRows, h * gateWidth, d);
                logits[row * heads + h] = dot + w.gateBias()[h];
            }
        }
        return logits;
    }

    private boolean anyRowUses(PassRows rows, LoopAttention attention) {
        for (int row = 0; row < rows.count(); row++) {
            if (config.attentionOf(rows.loop(row)) == attention) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes the attention output of every head of {@code row} into {@code out[row][queryDim]}.
     * {@code q, k, v} are this pass's projections, {@code [count][queryDim or kvDim]}.
     */
    public void attendRow(PassRows rows, int row, int layer, float[] q, float[] k, float[] v,
            float[] gateLogits, float[] out, Scratch scratch) {
        SequenceState seq = rows.sequence(row);
        int loop = rows.loop(row);
        int t = rows.position(row);
        int headDim = config.headDim();
        int kvDim = config.kvDim();
        LoopAttention attention = config.attentionOf(loop);
        // Own full cache, or loop 1's when this loop shares it (fullCache resolves which).
        FullKvCache cache = seq.fullCache(loop, layer);
        for (int h = 0; h < config.numHeads(); h++) {
            int kvOffset = (h / config.groupSize()) * headDim;
            int qOff = row * config.queryDim() + h * headDim;
            int outOff = row * config.queryDim() + h * headDim;
            if (attention != LoopAttention.SHARED_PLUS_WINDOW) {
                attend(q, qOff, cache.keys(), cache.values(), kvDim, kvOffset, 0, t, scratch.scores, out, outOff);
                continue;
            }
            attend(q, qOff, cache.keys(), cache.values(), kvDim, kvOffset, 0, t, scratch.scores, scratch.global, 0);
            int keys = gatherWindow(rows, row, seq.windowCache(loop, layer), k, v, kvOffset, scratch);
            attend(q, qOff, scratch.windowKeys, scratch.windowValues, headDim, 0, 0, keys - 1, scratch.scores,
                    scratch.local, 0);
            float g = sigmoid(gateLogits[row * config.numHeads() + h]);
            for (int i = 0; i < headDim; i++) {
                out[outOff + i] = g * scratch.global[i] + (1 - g) * scratch.local[i];
            }
        }
    }

    /**
     * Copies one head's K/V for window positions {@code max(0, t-w) .. t} into the scratch, oldest
     * first, from this pass's rows when computed here and from the ring buffer otherwise.
     */
    private int gatherWindow(PassRows rows, int row, WindowKvCache ring, float[] k, float[] v, int kvOffset,
            Scratch scratch) {
        int t = rows.position(row);
        int headDim = config.headDim();
        int kvDim = config.kvDim();
        int first = Math.max(0, t - config.windowSize());
        for (int p = first; p <= t; p++) {
            int dst = (p - first) * headDim;
            int passRow = rows.rowOfPosition(row, p);
            if (passRow >= 0) {
                System.arraycopy(k, passRow * kvDim + kvOffset, scratch.windowKeys, dst, headDim);
                System.arraycopy(v, passRow * kvDim + kvOffset, scratch.windowValues, dst, headDim);
            } else {
                System.arraycopy(ring.keys(), ring.offsetOf(p) + kvOffset, scratch.windowKeys, dst, headDim);
                System.arraycopy(ring.values(), ring.offsetOf(p) + kvOffset, scratch.windowValues, dst, headDim);
            }
        }
        return t - first + 1;
    }

    /** softmax(q . k_j / sqrt(d_h)) . v_j over key rows {@code from..to} of a row-major K/V block. */
    private void attend(float[] q, int qOff, float[] keys, float[] values, int stride, int kvOffset, int from,
            int to, float[] scores, float[] out, int outOff) {
        int headDim = config.headDim();
        float max = Float.NEGATIVE_INFINITY;
        for (int p = from; p <= to; p++) {
            float s = kernels.dot(q, qOff, keys, p * stride + kvOffset, headDim) * scale;
            scores[p - from] = s;
            max = Math.max(max, s);
        }
        float sum = 0;
        for (int j = 0; j <= to - from; j++) {
            float e = (float) Math.exp(scores[j] - max);
            scores[j] = e;
            sum += e;
        }
        float inverseSum = 1f / sum;
        java.util.Arrays.fill(out, outOff, outOff + headDim, 0f);
        for (int p = from; p <= to; p++) {
            kernels.axpy(scores[p - from] * inverseSum, values, p * stride + kvOffset, out, outOff, headDim);
        }
    }

    private static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }
}
