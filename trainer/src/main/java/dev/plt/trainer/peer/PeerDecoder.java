package dev.plt.trainer.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import dev.plt.model.config.GateInput;
import dev.plt.model.config.LoopAttention;
import dev.plt.model.config.ModelConfig;

/**
 * Prefill and KV-cached decoding of a batch of B sequences in DJL/PyTorch eager ops: the PyTorch peer
 * the engine benchmarks compare against, written as a PyTorch user would (no autograd, f32,
 * {@code F.linear}, batched matmuls, preallocated caches, the prompt never recomputed).
 *
 * <p>It follows plt-spec sections 3-4 like the engine does:
 * <ul>
 *   <li>{@link #prefill}: loop 1 over all prompt positions, then loop 2, ... (one pass per loop, causal
 *       and window masks), filling loop 1's cache and each G-SWA loop's window, and keeping the carries
 *       h^{l-1} of the last position.</li>
 *   <li>{@link #decode}: the CLP step, ONE pass of L rows per sequence, all at the new position t:
 *       row 1 reads E(x_t), row l reads a E(x_t) + b h^{l-1}_{t-1}. Row 1 writes its K/V into loop 1's
 *       cache before any row attends, so rows >= 2 see position t in the shared branch too.</li>
 * </ul>
 * Every call frees its intermediates (its own {@link NDScope}); the caller owns the returned logits.
 * Not thread-safe: one decoder per thread.
 */
public final class PeerDecoder implements AutoCloseable {
    /** Added to a masked attention score: exp underflows to exactly 0 in f32. */
    private static final float MASKED = -1e9f;

    private final PeerModel model;
    private final ModelConfig config;
    private final NDManager manager;
    private final int batch;
    private final int loops;
    private final PeerKvCache cache;
    private final RopeTables rope;
    /** The carries h^1..h^{L-1} of the last position, [B, L-1, d] (normed when plt_normalize_per_loop). */
    private final NDArray carries;
    private final NDArray embScale;
    private final NDArray hiddenScale;
    private final NDArray attentionScale;
    private final NDArray eps;
    private int length;

    /** A decoder for {@code batch} sequences of at most {@code capacity} tokens (prompt + generated). */
    public PeerDecoder(PeerModel model, int batch, int capacity) {
        this.model = model;
        this.config = model.config();
        this.batch = batch;
        this.loops = config.numLoops();
        this.manager = model.manager().newSubManager();
        this.cache = new PeerKvCache(manager, config, batch, capacity, model.usesWindow());
        this.rope = new RopeTables(manager, capacity, config.headDim(), config.ropeTheta());
        this.carries = loops > 1 ? kept(manager.zeros(new Shape(batch, loops - 1, config.hiddenSize()))) : null;
        this.embScale = constant(config.embScale());
        this.hiddenScale = constant(config.hiddenScale());
        this.attentionScale = constant(1.0 / Math.sqrt(config.headDim()));
        this.eps = constant(config.rmsNormEps());
    }

    /** Tokens each sequence holds so far. */
    public int length() {
        return length;
    }

    /**
     * Runs the prompts {@code tokens} ([B, T] int64) through an empty decoder.
     *
     * @return logits [B, T, V] at every position when {@code allPositions}, else [B, V] at the last
     *     position only (what generation needs)
     */
    public NDArray prefill(NDArray tokens, boolean allPositions) {
        Shape shape = tokens.getShape();
        if (length != 0 || shape.dimension() != 2 || shape.get(0) != batch) {
            throw new IllegalArgumentException("prefill needs an empty decoder and tokens [" + batch + ", T]; got "
                    + shape + " at length " + length);
        }
        int t = Math.toIntExact(shape.get(1));
        requireRoom(t);
        noGrad();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            Masks masks = new Masks(t);
            NDArray embeddings = model.embed().get(new NDIndex("{}", tokens.toType(DataType.INT64, false)));
            NDArray previous = null;
            for (int loop = 0; loop < loops; loop++) {
                NDArray residual = loop == 0 ? embeddings : clpInput(embeddings, shiftRight(carried(previous)));
                for (int layer = 0; layer < config.numLayers(); layer++) {
                    int l = loop;
                    int i = layer;
                    residual = decoderLayer(layer, residual, (x, res) -> prefillAttention(l, i, x, res, masks, t));
                }
                if (loop < loops - 1) {
                    carries.set(new NDIndex(":, {}", loop), carried(residual.get(new NDIndex(":, -1"))));
                }
                previous = residual;
            }
            length = t;
            NDArray out = logits(allPositions ? previous : previous.get(new NDIndex(":, -1")));
            NDScope.unregister(out);
            return out;
        }
    }

    /**
     * One CLP decode step: appends {@code tokens} ([B] int64, one per sequence) at position
     * {@link #length()}.
     *
     * @return the logits of the new position, [B, V]
     */
    public NDArray decode(NDArray tokens) {
        if (length == 0 || tokens.getShape().dimension() != 1 || tokens.getShape().get(0) != batch) {
            throw new IllegalArgumentException("decode needs a prefilled decoder and tokens [" + batch + "]; got "
                    + tokens.getShape() + " at length " + length);
        }
        requireRoom(length + 1);
        int position = length;
        noGrad();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray embedding = model.embed().get(new NDIndex("{}", tokens.toType(DataType.INT64, false)))
                    .expandDims(1);                                                          // [B, 1, d]
            NDArray rows = loops == 1 ? embedding
                    : NDArrays.concat(new NDList(embedding, clpInput(embedding, carries)), 1);  // [B, L, d]
            for (int layer = 0; layer < config.numLayers(); layer++) {
                int i = layer;
                rows = decoderLayer(layer, rows, (x, res) -> decodeAttention(i, x, res, position));
            }
            if (loops > 1) {
                carries.set(new NDIndex(":, :"), carried(rows.get(new NDIndex(":, :-1"))));
            }
            length = position + 1;
            NDArray out = logits(rows.get(new NDIndex(":, -1")));
            NDScope.unregister(out);
            return out;
        }
    }

    /** Greedy choice per row of [B, V] logits (torch.argmax: the lowest id on an exact tie), int64 [B]. */
    public static NDArray greedy(NDArray logits) {
        return logits.argMax(-1);
    }

    @Override
    public void close() {
        manager.close();
    }

    // ---- the decoder layer (plt-spec section 1) --------------------------------------------------

    /**
     * What a layer's attention computes from X = RMSNorm_in(residual) [B, R, d] and the residual itself
     * (the hidden-state gate reads it): the merged heads [B, R, H*d_h].
     */
    @FunctionalInterface
    private interface Attention {
        NDArray apply(NDArray x, NDArray residual);
    }

    private NDArray decoderLayer(int layer, NDArray residual, Attention attention) {
        PeerModel.Layer w = model.layers().get(layer);
        NDArray x = rmsNorm(residual, w.inputNorm());
        NDArray afterAttention = residual.add(linear(attention.apply(x, residual), w.wo(), null));
        NDArray x2 = rmsNorm(afterAttention, w.postAttentionNorm());
        NDArray gate = linear(x2, w.wGate(), null);
        NDArray swiglu = gate.mul(Activation.sigmoid(gate)).mul(linear(x2, w.wUp(), null));
        return afterAttention.add(linear(swiglu, w.wDown(), null));
    }

    // ---- attention during prefill: one loop over all T positions ----------------------------------

    private NDArray prefillAttention(int loop, int layer, NDArray x, NDArray residual, Masks masks, int t) {
        PeerModel.Layer w = model.layers().get(layer);
        NDArray cos = rope.cos(0, t);
        NDArray sin = rope.sin(0, t);
        NDArray q = rotate(heads(linear(x, w.wq(), w.bq()), config.numHeads()), cos, sin);     // [B, H, T, d_h]
        LoopAttention kind = config.attentionOf(loop);
        NDArray ownKeys = null;
        NDArray ownValues = null;
        if (kind != LoopAttention.SHARED_ONLY) {
            ownKeys = rotate(heads(linear(x, w.wk(), w.bk()), config.numKvHeads()), cos, sin);   // [B, H_kv, T, d_h]
            ownValues = heads(linear(x, w.wv(), w.bv()), config.numKvHeads());
        }
        NDArray y;
        if (loop == 0) {
            cache.writeShared(layer, 0, ownKeys, ownValues);
            y = attend(q, ownKeys, ownValues, masks.causal);
        } else {
            NDArray[] shared = cache.shared(layer, t);
            NDArray global = attend(q, shared[0], shared[1], masks.causal);
            if (kind == LoopAttention.SHARED_ONLY) {
                y = global;
            } else {
                cache.writeWindowAfterPrefill(layer, loop, ownKeys, ownValues, t);
                NDArray local = attend(q, ownKeys, ownValues, masks.window);
                y = mix(global, local, gate(w, residual, q));
            }
        }
        return mergeHeads(y);
    }

    /** softmax(q k^T / sqrt(d_h) + mask) v; query head h reads kv head h / (H / H_kv). */
    private NDArray attend(NDArray q, NDArray keys, NDArray values, NDArray mask) {
        Shape s = q.getShape();
        int kvHeads = config.numKvHeads();
        NDArray grouped = q.reshape(s.get(0), kvHeads, config.groupSize(), s.get(2), s.get(3));
        NDArray scores = grouped.matMul(keys.expandDims(2).transpose(0, 1, 2, 4, 3)).mul(attentionScale).add(mask);
        return scores.softmax(-1).matMul(values.expandDims(2)).reshape(s);
    }

    // ---- attention during a decode step: L rows per sequence at one position ---------------------

    private NDArray decodeAttention(int layer, NDArray x, NDArray residual, int position) {
        PeerModel.Layer w = model.layers().get(layer);
        NDArray cos = rope.cos(position, position + 1);
        NDArray sin = rope.sin(position, position + 1);
        NDArray q = rotate(heads(linear(x, w.wq(), w.bq()), config.numHeads()), cos, sin);     // [B, H, L, d_h]
        NDArray k = rotate(heads(linear(x, w.wk(), w.bk()), config.numKvHeads()), cos, sin);   // [B, H_kv, L, d_h]
        NDArray v = heads(linear(x, w.wv(), w.bv()), config.numKvHeads());
        cache.writeShared(layer, position, k.get(new NDIndex(":, :, :1")), v.get(new NDIndex(":, :, :1")));
        NDArray[] shared = cache.shared(layer, position + 1);
        NDArray global = attendAllRows(q, shared[0], shared[1]);
        if (loops == 1 || !model.usesWindow()) {
            return mergeHeads(global);
        }
        // Rows 2..L: their own K/V go into their windows, then the gated mix of both branches.
        cache.writeWindowStep(layer, position, k.get(new NDIndex(":, :, 1:")), v.get(new NDIndex(":, :, 1:")));
        NDArray[] window = cache.window(layer, position);
        NDArray loopQueries = q.get(new NDIndex(":, :, 1:"));
        NDArray local = attendOwnWindows(loopQueries, window[0], window[1]);
        NDArray mixed = mix(global.get(new NDIndex(":, :, 1:")), local,
                gate(w, residual.get(new NDIndex(":, 1:")), loopQueries));
        return mergeHeads(NDArrays.concat(new NDList(global.get(new NDIndex(":, :, :1")), mixed), 2));
    }

    /**
     * Every row of the step against loop 1's cache (no mask: every key is at a position <= t).
     * q [B, H, L, d_h] is viewed as [B, H_kv, group * L, d_h]: one matmul per kv head for all rows.
     */
    private NDArray attendAllRows(NDArray q, NDArray keys, NDArray values) {
        Shape s = q.getShape();
        NDArray grouped = q.reshape(s.get(0), config.numKvHeads(), config.groupSize() * s.get(2), s.get(3));
        NDArray scores = grouped.matMul(keys.transpose(0, 1, 3, 2)).mul(attentionScale);
        return scores.softmax(-1).matMul(values).reshape(s);
    }

    /**
     * Rows 2..L against their own windows: q [B, H, L-1, d_h] as [B, H_kv, L-1, group, d_h], keys and
     * values [B, H_kv, L-1, n, d_h]; each loop reads only its own window.
     */
    private NDArray attendOwnWindows(NDArray q, NDArray keys, NDArray values) {
        Shape s = q.getShape();
        NDArray grouped = q.reshape(s.get(0), config.numKvHeads(), config.groupSize(), s.get(2), s.get(3))
                .transpose(0, 1, 3, 2, 4);
        NDArray scores = grouped.matMul(keys.transpose(0, 1, 2, 4, 3)).mul(attentionScale);
        return scores.softmax(-1).matMul(values).transpose(0, 1, 3, 2, 4).reshape(s);
    }

    // ---- G-SWA gate and CLP input (plt-spec sections 3-4) ---------------------------------------

    /** y = g * global + (1 - g) * local, written as local + g * (global - local). */
    private static NDArray mix(NDArray global, NDArray local, NDArray g) {
        return local.add(global.sub(local).mul(g));
    }

    /**
     * g = sigmoid(gate logit), [B, H, R, 1]. Query gate: q_h . wg_h + bg_h on the post-RoPE query
     * q [B, H, R, d_h]. Hidden-state gate: RMSNorm_g(residual) Wg^T + bg on the layer's residual
     * input [B, R, d].
     */
    private NDArray gate(PeerModel.Layer w, NDArray residual, NDArray q) {
        NDArray logits;
        if (config.gateInput() == GateInput.HIDDEN_STATES) {
            logits = linear(rmsNorm(residual, w.gateNorm()), w.gate(), w.gateBias()).transpose(0, 2, 1);
        } else {
            NDArray perHead = w.gate().expandDims(1).expandDims(0);                             // [1, H, 1, d_h]
            logits = q.mul(perHead).sum(new int[] {-1}).add(w.gateBias().expandDims(1));        // [B, H, R]
        }
        return Activation.sigmoid(logits).expandDims(-1);
    }

    /** a E(x_t) + b h^{l-1}_{t-1} for loops >= 2; {@code embedding} [B, R or 1, d] broadcasts over loops. */
    private NDArray clpInput(NDArray embedding, NDArray carry) {
        return embedding.mul(embScale).add(carry.mul(hiddenScale));
    }

    /** The carry a loop hands on: h^l, or norm(h^l) with the final norm under plt_normalize_per_loop. */
    private NDArray carried(NDArray hidden) {
        return config.normalizePerLoop() ? rmsNorm(hidden, model.finalNorm()) : hidden;
    }

    /** [B, T, d] -> the same shifted one position later, with a zero carry at t = 0. */
    private static NDArray shiftRight(NDArray hidden) {
        Shape s = hidden.getShape();
        NDArray zero = hidden.getManager().zeros(new Shape(s.get(0), 1, s.get(2)));
        return NDArrays.concat(new NDList(zero, hidden.get(new NDIndex(":, :-1"))), 1);
    }

    // ---- small pieces -------------------------------------------------------------------------

    private NDArray logits(NDArray lastLoop) {
        return linear(rmsNorm(lastLoop, model.finalNorm()), model.lmHead(), null);
    }

    /** torch.nn.functional.linear: x W^T + b with W in the [out, in] layout. */
    private static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return Linear.linear(x, weight, bias).singletonOrThrow();
    }

    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray meanSquare = x.square().mean(new int[] {-1}, true);
        return x.div(meanSquare.add(eps).sqrt()).mul(weight);
    }

    /** [B, R, n*d_h] -> [B, n, R, d_h]. */
    private NDArray heads(NDArray x, int n) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), n, config.headDim()).transpose(0, 2, 1, 3);
    }

    /** [B, H, R, d_h] -> [B, R, H*d_h]. */
    private static NDArray mergeHeads(NDArray y) {
        Shape s = y.getShape();
        return y.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), s.get(1) * s.get(3));
    }

    /** HF rotate-half RoPE: x cos + [-x2, x1] sin, with cos/sin [R, d_h] of the rows' positions. */
    private NDArray rotate(NDArray x, NDArray cos, NDArray sin) {
        int half = config.headDim() / 2;
        NDArray x1 = x.get("..., :" + half);
        NDArray x2 = x.get("..., " + half + ":");
        return x.mul(cos).add(NDArrays.concat(new NDList(x2.neg(), x1), -1).mul(sin));
    }

    /**
     * torch.no_grad(): PyTorch's grad mode is per thread and DJL turns it off only on the thread that
     * started the engine, so each call states it for its own thread (the weights need no gradient
     * anyway, so no graph would be recorded; this makes it explicit and cheap to trust).
     */
    private static void noGrad() {
        JniUtils.setGradMode(false);
    }

    private void requireRoom(int tokens) {
        if (tokens > cache.capacity()) {
            throw new IllegalStateException("the decoder holds at most " + cache.capacity() + " tokens per sequence;"
                    + " " + tokens + " asked");
        }
    }

    private NDArray constant(double value) {
        return kept(manager.full(new Shape(), (float) value));
    }

    private static NDArray kept(NDArray array) {
        NDScope.unregister(array);
        return array;
    }

    /**
     * The additive prefill masks [T, T] (query, key): causal, and the G-SWA window of w + 1 keys
     * max(0, t-w)..t (null when no loop uses G-SWA).
     */
    private final class Masks {
        final NDArray causal;
        final NDArray window;

        Masks(int t) {
            NDArray query = manager.arange(t).expandDims(1);    // [T, 1]
            NDArray key = manager.arange(t).expandDims(0);      // [1, T]
            NDArray future = key.gt(query);
            causal = future.toType(DataType.FLOAT32, false).mul(MASKED);
            window = !model.usesWindow() ? null
                    : future.logicalOr(key.lt(query.sub(config.windowSize()))).toType(DataType.FLOAT32, false)
                            .mul(MASKED);
        }
    }
}
