package dev.plt.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.List;

/**
 * The PLT training forward over whole sequences in DJL NDArray ops, so PyTorch's autograd gives the
 * backward pass. It follows plt-spec sections 2-4 as written and shares no code with the engine's
 * {@code ReferenceForward}: the parity tests compare the two.
 *
 * <p>Layout: hidden states are [B, T, d]; attention works on [B, H, T, d_h]. Every loop runs over all
 * T positions at once; causality (and the G-SWA window) comes from additive masks, and the CLP input
 * of loop l >= 2 is loop l-1's output shifted one position right with a zero row at t = 0.
 *
 * <p>Intermediate arrays are created in the caller's {@code NDScope}/manager: run one call per scope.
 *
 * <p>Scalars enter the graph only through {@link #scalar}: DJL's {@code mul(Number)} and friends wrap
 * the number in a tensor over a Java buffer and close it as soon as the op returns, while autograd
 * still holds that tensor for the backward pass; after a garbage collection the backward then reads
 * freed memory (seen here as sporadic NaN gradients). A tensor from {@code full} is owned by PyTorch.
 */
public final class PltForward {
    private final PltArchitecture arch;
    private final PltParameters params;

    public PltForward(PltArchitecture arch, PltParameters params) {
        this.arch = arch;
        this.params = params;
    }

    /**
     * Logits at every position: entry [b, t] predicts token t + 1 of row b.
     *
     * @param tokens int64 (or int32) token ids, shape [B, T]
     * @return float32 [B, T, V]
     */
    public NDArray logits(NDArray tokens) {
        NDArray normed = rmsNorm(lastLoopOutput(tokens), params.get(PltParameters.FINAL_NORM));
        NDArray head = arch.tieWordEmbeddings() ? params.get(PltParameters.EMBED) : params.get(PltParameters.LM_HEAD);
        return normed.matMul(head.transpose());
    }

    /** h^L: the last loop's output at every position, before the final norm. */
    public NDArray lastLoopOutput(NDArray tokens) {
        long length = tokens.getShape().get(1);
        PositionTables tables = new PositionTables(tokens.getManager(), Math.toIntExact(length), arch.headDim(),
                arch.ropeTheta(), arch.window());
        NDArray ids = tokens.toType(DataType.INT64, false);
        NDArray embeddings = params.get(PltParameters.EMBED).get(new NDIndex("{}", ids));
        // Loop 1's post-RoPE keys and values per layer: what loops >= 2 share under KV sharing.
        List<NDArray[]> loop1KeyValues = new ArrayList<>();
        NDArray previous = null;
        for (int loop = 0; loop < arch.loops(); loop++) {
            NDArray residual = loopInput(loop, embeddings, previous);
            for (int layer = 0; layer < arch.numLayers(); layer++) {
                residual = decoderLayer(loop, layer, residual, tables, loop1KeyValues);
            }
            previous = residual;
        }
        return previous;
    }

    /** plt-spec section 3: loop 1 reads E(x); serial loops read h^{l-1}_t; PLT loops read a E(x_t) + b h^{l-1}_{t-1}. */
    private NDArray loopInput(int loop, NDArray embeddings, NDArray previous) {
        if (loop == 0) {
            return embeddings;
        }
        NDArray carried = arch.normalizePerLoop() ? rmsNorm(previous, params.get(PltParameters.FINAL_NORM)) : previous;
        if (!arch.isParallel()) {
            return carried;
        }
        Shape shape = carried.getShape();
        NDArray zeroRow = carried.getManager().zeros(new Shape(shape.get(0), 1, shape.get(2)));
        NDArray shifted = NDArrays.concat(new NDList(zeroRow, carried.get(":, :-1, :")), 1);
        NDArray a = scalar(embeddings, arch.embScale());
        NDArray b = scalar(shifted, arch.hiddenScale());
        return embeddings.mul(a).add(shifted.mul(b));
    }

    private NDArray decoderLayer(int loop, int layer, NDArray residual, PositionTables tables,
            List<NDArray[]> loop1KeyValues) {
        AttentionKind kind = arch.attentionOf(loop);
        NDArray x = rmsNorm(residual, layerParam(layer, "input_layernorm.weight"));
        NDArray q = rope(heads(linear(x, "q_proj", layer), arch.numHeads()), tables);

        NDArray ownKeys = null;
        NDArray ownValues = null;
        if (kind != AttentionKind.SHARED) {
            ownKeys = rope(heads(linear(x, "k_proj", layer), arch.numKvHeads()), tables);
            ownValues = heads(linear(x, "v_proj", layer), arch.numKvHeads());
        }
        if (loop == 0) {
            loop1KeyValues.add(new NDArray[] {ownKeys, ownValues});
        }
        NDArray[] shared = loop1KeyValues.get(layer);

        NDArray y = switch (kind) {
            case OWN_CAUSAL -> attend(q, ownKeys, ownValues, tables.causal);
            case SHARED -> attend(q, shared[0], shared[1], tables.causal);
            case SHARED_GATED_WINDOW -> {
                NDArray global = attend(q, shared[0], shared[1], tables.causal);
                NDArray local = attend(q, ownKeys, ownValues, tables.window);
                NDArray g = gate(layer, residual, q);
                // g * global + (1 - g) * local, written as local + g * (global - local).
                yield local.add(global.sub(local).mul(g));
            }
        };
        NDArray afterAttention = residual.add(
                mergeHeads(y).matMul(layerParam(layer, "self_attn.o_proj.weight").transpose()));
        NDArray x2 = rmsNorm(afterAttention, layerParam(layer, "post_attention_layernorm.weight"));
        NDArray gateProj = x2.matMul(layerParam(layer, "mlp.gate_proj.weight").transpose());
        NDArray upProj = x2.matMul(layerParam(layer, "mlp.up_proj.weight").transpose());
        NDArray swiglu = gateProj.mul(Activation.sigmoid(gateProj)).mul(upProj);
        return afterAttention.add(swiglu.matMul(layerParam(layer, "mlp.down_proj.weight").transpose()));
    }

    /** x W^T (+ b) for the attention projection {@code name} of {@code layer}. */
    private NDArray linear(NDArray x, String name, int layer) {
        NDArray out = x.matMul(layerParam(layer, "self_attn." + name + ".weight").transpose());
        NDArray bias = params.getOrNull(PltParameters.layer(layer, "self_attn." + name + ".bias"));
        return bias == null ? out : out.add(bias);
    }

    /** [B, T, n*d_h] -> [B, n, T, d_h]. */
    private NDArray heads(NDArray x, int n) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), n, arch.headDim()).transpose(0, 2, 1, 3);
    }

    /** [B, H, T, d_h] -> [B, T, H*d_h]. */
    private NDArray mergeHeads(NDArray y) {
        Shape s = y.getShape();
        return y.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), s.get(1) * s.get(3));
    }

    /** HF rotate-half RoPE: out = x cos + [-x2, x1] sin, positions 0..T-1. */
    private NDArray rope(NDArray x, PositionTables tables) {
        int half = arch.headDim() / 2;
        NDArray x1 = x.get("..., :" + half);
        NDArray x2 = x.get("..., " + half + ":");
        NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1);
        return x.mul(tables.cos).add(rotated.mul(tables.sin));
    }

    /**
     * softmax(q k^T / sqrt(d_h) + mask) v with grouped-query heads: query head h reads kv head
     * h / (H / H_kv). Queries are viewed as [B, H_kv, group, T, d_h] so one kv head broadcasts over its
     * group without copying.
     */
    private NDArray attend(NDArray q, NDArray keys, NDArray values, NDArray mask) {
        Shape qs = q.getShape();
        long batch = qs.get(0);
        long length = qs.get(2);
        int kvHeads = arch.numKvHeads();
        int group = arch.numHeads() / kvHeads;
        NDArray grouped = q.reshape(batch, kvHeads, group, length, arch.headDim());
        NDArray k = keys.expandDims(2);
        NDArray v = values.expandDims(2);
        NDArray scores = grouped.matMul(k.transpose(0, 1, 2, 4, 3))
                .div(scalar(q, Math.sqrt(arch.headDim())))
                .add(mask);
        NDArray out = scores.softmax(-1).matMul(v);
        return out.reshape(batch, arch.numHeads(), length, arch.headDim());
    }

    /**
     * plt-spec section 4: g = sigmoid(gate logit), one per (head, token), shaped [B, H, T, 1] to scale
     * each head's output. Query gate: q_h . wg_h + bg_h on the post-RoPE query. Hidden-state gate:
     * RMSNorm_g(residual) Wg^T + bg on the layer's residual input.
     */
    private NDArray gate(int layer, NDArray residual, NDArray q) {
        NDArray weight = layerParam(layer, "self_attn.plt_gate.weight");
        NDArray bias = layerParam(layer, "self_attn.plt_gate.bias");
        NDArray logits;
        if (arch.gateUsesHiddenStates()) {
            NDArray normed = rmsNorm(residual, layerParam(layer, "self_attn.plt_gate.gate_norm.weight"));
            logits = normed.matMul(weight.transpose()).add(bias).transpose(0, 2, 1);   // [B, H, T]
        } else {
            // weight [H, d_h] -> [1, H, 1, d_h]: each head's query dotted with its own gate vector.
            NDArray perHead = weight.expandDims(1).expandDims(0);
            logits = q.mul(perHead).sum(new int[] {-1}).add(bias.expandDims(1));          // [B, H, T]
        }
        return Activation.sigmoid(logits).expandDims(-1);
    }

    /** x / sqrt(mean(x^2) + eps) * weight over the last axis. */
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray meanSquare = x.square().mean(new int[] {-1}, true);
        return x.div(meanSquare.add(scalar(x, arch.rmsNormEps())).sqrt()).mul(weight);
    }

    /** A 0-dim f32 constant owned by PyTorch (see the class comment for why not {@code mul(Number)}). */
    private static NDArray scalar(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value);
    }

    private NDArray layerParam(int layer, String suffix) {
        return params.get(PltParameters.layer(layer, suffix));
    }
}
