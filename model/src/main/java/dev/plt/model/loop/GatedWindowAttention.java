package dev.plt.model.loop;

import dev.plt.model.config.GateInput;
import dev.plt.model.config.LoopAttention;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.kernels.pool.EnginePool;
import dev.plt.model.kernels.Kernels;
import dev.plt.model.weights.LayerWeights;

/**
 * Attention of the rows of a pass, by what each row's loop reads (plt-spec section 4):
 * <ul>
 *   <li>its own full cache, causally (loop 1, serial loops, CLP without KV sharing);</li>
 *   <li>loop 1's cache only ("KV share only");</li>
 *   <li>G-SWA: per head, {@code g * global + (1 - g) * local}, where global attends over loop 1's
 *       cache up to t and local over this loop's own last w + 1 keys, found either among the rows of
 *       this pass (prefill) or in the loop's ring buffer (earlier passes).</li>
 * </ul>
 * The caller has already written this pass's K/V into the full caches, so rows of loops >= 2 see
 * loop 1's K/V of their own position (plt-spec section 3).
 *
 * <p>The unit of work is a group of consecutive rows that read the same full cache up to the same
 * position (the L rows of one sequence in a CLP decode step with KV sharing; a single row otherwise)
 * times one KV head: all the queries of that head group and of those rows are scored against each block
 * of keys while it is in L1, so the cache is read from memory once per step, not once per loop and head.
 * Each query's result depends only on its own inputs, never on which others share its work unit, so
 * prefill and decode give the same bits.
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

    /** Scratch space for one thread, sized for a given longest context. */
    private static final class Scratch {
        final int[] queryOffsets;
        final int scoreStride;
        final float[] scores;       // [query][scoreStride]
        final float[] global;       // [query][headDim]: the global branch of G-SWA rows
        final float[] local;        // [head in group][headDim]: their local branch
        final float[] windowKeys;   // one KV head's window in key blocks, [block][headDim][KEY_BLOCK]
        final float[] windowValues; // [w + 1][headDim]

        Scratch(ModelConfig config, int maxPositions) {
            int queries = config.groupSize() * config.numLoops();
            int headDim = config.headDim();
            int window = config.windowSize() + 1;
            queryOffsets = new int[queries];
            scoreStride = roundUpToBlock(Math.max(maxPositions, window));
            scores = new float[queries * scoreStride];
            global = new float[queries * headDim];
            local = new float[config.groupSize() * headDim];
            windowKeys = new float[roundUpToBlock(window) * headDim];
            windowValues = new float[window * headDim];
        }
    }

    private static int roundUpToBlock(int n) {
        return (n + Kernels.KEY_BLOCK - 1) / Kernels.KEY_BLOCK * Kernels.KEY_BLOCK;
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
     * Writes the attention output of every head of every row into {@code out[row][queryDim]}, in parallel
     * on {@code pool}. {@code q, k, v} are this pass's projections, {@code [count][queryDim or kvDim]}.
     */
    public void attend(PassRows rows, int layer, float[] q, float[] k, float[] v, float[] gateLogits, float[] out,
            EnginePool pool) {
        int n = rows.count();
        int[] groupStart = new int[n + 1];
        int groups = 0;
        int maxPositions = 0;
        for (int row = 0; row < n; row++) {
            boolean continues = row > 0 && row - groupStart[groups - 1] < config.numLoops()
                    && rows.position(row) == rows.position(row - 1)
                    && cacheOf(rows, row, layer) == cacheOf(rows, row - 1, layer);
            if (!continues) {
                groupStart[groups++] = row;
            }
            maxPositions = Math.max(maxPositions, rows.position(row) + 1);
        }
        groupStart[groups] = n;
        int kvHeads = config.numKvHeads();
        int longest = maxPositions;
        pool.parallelFor(groups * kvHeads, (start, end) -> {
            Scratch scratch = new Scratch(config, longest);
            for (int item = start; item < end; item++) {
                int group = item / kvHeads;
                attendGroup(rows, groupStart[group], groupStart[group + 1], item % kvHeads, layer, q, k, v,
                        gateLogits, out, scratch);
            }
        });
    }

    private static FullKvCache cacheOf(PassRows rows, int row, int layer) {
        return rows.sequence(row).fullCache(rows.loop(row), layer);
    }

    /** Rows {@code [first, end)} (one group, see class comment) for the query heads of one KV head. */
    private void attendGroup(PassRows rows, int first, int end, int kvHead, int layer, float[] q, float[] k,
            float[] v, float[] gateLogits, float[] out, Scratch scratch) {
        int headDim = config.headDim();
        int group = config.groupSize();
        int qDim = config.queryDim();
        int keys = rows.position(first) + 1;
        int queries = 0;
        for (int row = first; row < end; row++) {
            for (int h = kvHead * group; h < (kvHead + 1) * group; h++) {
                scratch.queryOffsets[queries++] = row * qDim + h * headDim;
            }
        }
        // Full (or loop 1's shared) cache, causally up to the group's position.
        FullKvCache cache = cacheOf(rows, first, layer);
        kernels.attentionScores(q, scratch.queryOffsets, queries, headDim, cache.keys(),
                cache.keyOffset(0, kvHead * headDim), cache.keyBlockStride(), keys, scale, scratch.scores,
                scratch.scoreStride);
        for (int query = 0; query < queries; query++) {
            int row = first + query / group;
            boolean gated = config.attentionOf(rows.loop(row)) == LoopAttention.SHARED_PLUS_WINDOW;
            int scores = query * scratch.scoreStride;
            float sum = kernels.softmaxNumerators(scratch.scores, scores, keys);
            kernels.weightedSum(scratch.scores, scores, keys, cache.values(), kvHead * headDim, config.kvDim(),
                    headDim, 1f / sum, gated ? scratch.global : out,
                    gated ? query * headDim : scratch.queryOffsets[query]);
        }
        for (int row = first; row < end; row++) {
            if (config.attentionOf(rows.loop(row)) == LoopAttention.SHARED_PLUS_WINDOW) {
                attendWindow(rows, row, first, kvHead, layer, q, k, v, gateLogits, out, scratch);
            }
        }
    }

    /** G-SWA's local branch of one row for one KV head's query heads, then the gate mix into out. */
    private void attendWindow(PassRows rows, int row, int first, int kvHead, int layer, float[] q, float[] k,
            float[] v, float[] gateLogits, float[] out, Scratch scratch) {
        int headDim = config.headDim();
        int group = config.groupSize();
        int qDim = config.queryDim();
        int keys = gatherWindow(rows, row, rows.sequence(row).windowCache(rows.loop(row), layer), k, v,
                kvHead * headDim, scratch);
        for (int g = 0; g < group; g++) {
            scratch.queryOffsets[g] = row * qDim + (kvHead * group + g) * headDim;
        }
        kernels.attentionScores(q, scratch.queryOffsets, group, headDim, scratch.windowKeys, 0,
                headDim * Kernels.KEY_BLOCK, keys, scale, scratch.scores, scratch.scoreStride);
        for (int g = 0; g < group; g++) {
            int scores = g * scratch.scoreStride;
            float sum = kernels.softmaxNumerators(scratch.scores, scores, keys);
            kernels.weightedSum(scratch.scores, scores, keys, scratch.windowValues, 0, headDim, headDim, 1f / sum,
                    scratch.local, g * headDim);
        }
        int globalRow = (row - first) * group; // this row's first query in the group's global results
        for (int g = 0; g < group; g++) {
            int h = kvHead * group + g;
            float gate = sigmoid(gateLogits[row * config.numHeads() + h]);
            int outOff = row * qDim + h * headDim;
            for (int i = 0; i < headDim; i++) {
                out[outOff + i] = gate * scratch.global[(globalRow + g) * headDim + i]
                        + (1 - gate) * scratch.local[g * headDim + i];
            }
        }
    }

    /**
     * Copies one KV head's K/V for window positions {@code max(0, t-w) .. t} into the scratch, oldest
     * first (keys into key blocks), from this pass's rows when computed here and from the ring buffer
     * otherwise. Returns the number of keys.
     */
    private int gatherWindow(PassRows rows, int row, WindowKvCache ring, float[] k, float[] v, int kvOffset,
            Scratch scratch) {
        int t = rows.position(row);
        int headDim = config.headDim();
        int kvDim = config.kvDim();
        int first = Math.max(0, t - config.windowSize());
        for (int p = first; p <= t; p++) {
            int j = p - first;
            int passRow = rows.rowOfPosition(row, p);
            float[] keys = passRow >= 0 ? k : ring.keys();
            float[] values = passRow >= 0 ? v : ring.values();
            int src = (passRow >= 0 ? passRow * kvDim : ring.offsetOf(p)) + kvOffset;
            int dst = (j / Kernels.KEY_BLOCK) * headDim * Kernels.KEY_BLOCK + j % Kernels.KEY_BLOCK;
            for (int i = 0; i < headDim; i++) {
                scratch.windowKeys[dst + i * Kernels.KEY_BLOCK] = keys[src + i];
            }
            System.arraycopy(values, src, scratch.windowValues, j * headDim, headDim);
        }
        return t - first + 1;
    }

    private static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }
}
