package dev.plt.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The trainable tensors of a PLT model, keyed by their checkpoint names (plt-spec section 5), so export
 * is a straight copy and a name typo cannot hide between two naming schemes. Values are drawn on the
 * Java side from a seeded {@link Random}: the same seed gives the same model whatever the engine.
 */
public final class PltParameters implements AutoCloseable {
    public static final String EMBED = "model.embed_tokens.weight";
    public static final String FINAL_NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";

    private final Map<String, NDArray> tensors = new LinkedHashMap<>();

    private PltParameters() {
    }

    /** Creates every tensor the architecture needs, attached to {@code manager}, gradients on. */
    public static PltParameters create(NDManager manager, PltArchitecture arch, ParameterInit init, long seed) {
        PltParameters p = new PltParameters();
        new Filler(manager, arch, init, new Random(seed), p.tensors).fill();
        for (NDArray t : p.tensors.values()) {
            t.setRequiresGradient(true);
        }
        return p;
    }

    public static String layer(int i, String suffix) {
        return "model.layers." + i + "." + suffix;
    }

    /** The tensor called {@code name}; fails loudly on a name the model does not have. */
    public NDArray get(String name) {
        NDArray t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        return t;
    }

    /** The tensor called {@code name}, or null (optional biases). */
    public NDArray getOrNull(String name) {
        return tensors.get(name);
    }

    /** Every tensor in checkpoint order (read-only view). */
    public Map<String, NDArray> all() {
        return Collections.unmodifiableMap(tensors);
    }

    public long count() {
        long n = 0;
        for (NDArray t : tensors.values()) {
            n += t.size();
        }
        return n;
    }

    @Override
    public void close() {
        tensors.values().forEach(NDArray::close);
    }

    /** Draws the values; the put order is the checkpoint's tensor order. */
    private static final class Filler {
        private final NDManager manager;
        private final PltArchitecture arch;
        private final boolean perturbed;
        private final Random random;
        private final Map<String, NDArray> out;

        Filler(NDManager manager, PltArchitecture arch, ParameterInit init, Random random, Map<String, NDArray> out) {
            this.manager = manager;
            this.arch = arch;
            this.perturbed = init == ParameterInit.PERTURBED;
            this.random = random;
            this.out = out;
        }

        void fill() {
            int d = arch.hiddenSize();
            int q = arch.queryDim();
            int kv = arch.kvDim();
            int ff = arch.intermediateSize();
            double residualStd = 0.02 / Math.sqrt(2.0 * arch.numLayers() * arch.loops());
            out.put(EMBED, matrix(arch.vocabSize(), d, perturbed ? 1.0 : 0.02));
            for (int i = 0; i < arch.numLayers(); i++) {
                out.put(layer(i, "input_layernorm.weight"), norm(d));
                out.put(layer(i, "self_attn.q_proj.weight"), matrix(q, d, std(d)));
                out.put(layer(i, "self_attn.k_proj.weight"), matrix(kv, d, std(d)));
                out.put(layer(i, "self_attn.v_proj.weight"), matrix(kv, d, std(d)));
                if (arch.attentionBias()) {
                    out.put(layer(i, "self_attn.q_proj.bias"), bias(q, 0.1));
                    out.put(layer(i, "self_attn.k_proj.bias"), bias(kv, 0.1));
                    out.put(layer(i, "self_attn.v_proj.bias"), bias(kv, 0.1));
                }
                out.put(layer(i, "self_attn.o_proj.weight"), matrix(d, q, perturbed ? std(q) : residualStd));
                if (arch.hasGate()) {
                    int gateIn = arch.gateUsesHiddenStates() ? d : arch.headDim();
                    out.put(layer(i, "self_attn.plt_gate.weight"), gate(arch.numHeads(), gateIn));
                    out.put(layer(i, "self_attn.plt_gate.bias"), bias(arch.numHeads(), 0.5));
                    if (arch.gateUsesHiddenStates()) {
                        out.put(layer(i, "self_attn.plt_gate.gate_norm.weight"), norm(d));
                    }
                }
                out.put(layer(i, "post_attention_layernorm.weight"), norm(d));
                out.put(layer(i, "mlp.gate_proj.weight"), matrix(ff, d, std(d)));
                out.put(layer(i, "mlp.up_proj.weight"), matrix(ff, d, std(d)));
                out.put(layer(i, "mlp.down_proj.weight"), matrix(d, ff, perturbed ? std(ff) : residualStd));
            }
            out.put(FINAL_NORM, norm(d));
            if (!arch.tieWordEmbeddings()) {
                out.put(LM_HEAD, matrix(arch.vocabSize(), d, std(d)));
            }
        }

        /** 1/sqrt(fan-in) keeps a perturbed model's activations O(1); training uses the GPT default. */
        private double std(int fanIn) {
            return perturbed ? 1 / Math.sqrt(fanIn) : 0.02;
        }

        private NDArray matrix(int rows, int cols, double std) {
            return gaussian(new Shape(rows, cols), 0, std);
        }

        private NDArray gate(int rows, int cols) {
            return perturbed ? gaussian(new Shape(rows, cols), 0, 1 / Math.sqrt(cols)) : zeros(new Shape(rows, cols));
        }

        private NDArray bias(int n, double perturbedStd) {
            return perturbed ? gaussian(new Shape(n), 0, perturbedStd) : zeros(new Shape(n));
        }

        private NDArray norm(int n) {
            return gaussian(new Shape(n), 1, perturbed ? 0.1 : 0);
        }

        private NDArray zeros(Shape shape) {
            return gaussian(shape, 0, 0);
        }

        private NDArray gaussian(Shape shape, double mean, double std) {
            float[] v = new float[Math.toIntExact(shape.size())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (mean + std * random.nextGaussian());
            }
            return manager.create(v, shape);
        }
    }
}
