package dev.plt.trainer.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.plt.model.config.ConfigException;
import dev.plt.model.config.ConfigLoader;
import dev.plt.model.config.LoopMode;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.tensor.F32Matrix;
import dev.plt.model.weights.LayerWeights;
import dev.plt.model.tensor.Matrix;
import dev.plt.model.weights.ModelWeights;
import dev.plt.model.weights.WeightLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The weights of a checkpoint directory as PyTorch tensors, for the DJL/PyTorch peer of the engine
 * benchmarks. Config and tensors are read with the engine's own loaders (so names and shapes are checked
 * the same way, with the same one-line errors); every tensor is f32 on the PyTorch side: bf16 and f16
 * checkpoints are widened to f32 on load, exactly. Matrices keep the {@code nn.Linear} layout
 * [out, in], which is what {@code torch.nn.functional.linear} takes.
 *
 * <p>The peer runs the families a PLT serving stack decodes with CLP: non-loop, and parallel loops with
 * KV sharing (G-SWA with either gate, or KV share only). Serial loops and "CLP only" are refused.
 */
public final class PeerModel implements AutoCloseable {
    /** One decoder layer's tensors; the bias and gate fields are null when the config has none. */
    public record Layer(NDArray inputNorm, NDArray wq, NDArray wk, NDArray wv, NDArray wo,
            NDArray bq, NDArray bk, NDArray bv, NDArray postAttentionNorm,
            NDArray wGate, NDArray wUp, NDArray wDown,
            NDArray gate, NDArray gateBias, NDArray gateNorm) {
    }

    private final ModelConfig config;
    private final NDManager manager;
    private final NDArray embed;
    private final List<Layer> layers;
    private final NDArray finalNorm;
    private final NDArray lmHead;

    private PeerModel(ModelConfig config, NDManager manager, ModelWeights weights) {
        this.config = config;
        this.manager = manager;
        this.embed = matrix(weights.embedTokens());
        List<Layer> list = new ArrayList<>();
        for (LayerWeights w : weights.layers()) {
            list.add(new Layer(vector(w.inputNorm()), matrix(w.wq()), matrix(w.wk()), matrix(w.wv()), matrix(w.wo()),
                    vector(w.bq()), vector(w.bk()), vector(w.bv()), vector(w.postAttentionNorm()),
                    matrix(w.wGate()), matrix(w.wUp()), matrix(w.wDown()),
                    matrix(w.gate()), vector(w.gateBias()), vector(w.gateNorm())));
        }
        this.layers = List.copyOf(list);
        this.finalNorm = vector(weights.finalNorm());
        this.lmHead = weights.lmHead() == weights.embedTokens() ? embed : matrix(weights.lmHead());
    }

    /**
     * Reads {@code dir/config.json} and its safetensors into tensors owned by a new sub-manager of
     * {@code parent} (closed by {@link #close()}).
     *
     * @throws ConfigException for a family the peer does not run, naming the config file
     */
    public static PeerModel load(Path dir, NDManager parent) {
        ModelConfig config = ConfigLoader.load(dir);
        boolean supported = config.loopMode() == LoopMode.NONE
                || config.loopMode() == LoopMode.PARALLEL && config.kvShare();
        if (!supported) {
            throw new ConfigException(dir.resolve("config.json") + ": the PyTorch peer runs non-loop models and PLT"
                    + " with KV sharing; this model is " + config.familyName());
        }
        // widenBf16: PyTorch CPU runs the peer in f32, so bf16 weights become f32 here (exact).
        ModelWeights weights = WeightLoader.load(dir, config, true);
        return new PeerModel(config, parent.newSubManager(), weights);
    }

    public ModelConfig config() {
        return config;
    }

    NDManager manager() {
        return manager;
    }

    NDArray embed() {
        return embed;
    }

    List<Layer> layers() {
        return layers;
    }

    NDArray finalNorm() {
        return finalNorm;
    }

    NDArray lmHead() {
        return lmHead;
    }

    /** The loops >= 2 keep a (w + 1)-key window of their own K/V only under G-SWA. */
    boolean usesWindow() {
        return config.usesGate();
    }

    @Override
    public void close() {
        manager.close();
    }

    private NDArray matrix(Matrix m) {
        if (m == null) {
            return null;
        }
        float[] values;
        if (m instanceof F32Matrix f32) {
            values = f32.data();
        } else {
            values = new float[m.rows() * m.cols()];
            for (int r = 0; r < m.rows(); r++) {
                m.copyRow(r, values, r * m.cols());
            }
        }
        return owned(manager.create(values, new Shape(m.rows(), m.cols())));
    }

    private NDArray vector(float[] v) {
        return v == null ? null : owned(manager.create(v, new Shape(v.length)));
    }

    /** Weights live as long as the model, even when it is loaded inside a caller's NDScope. */
    private static NDArray owned(NDArray array) {
        NDScope.unregister(array);
        return array;
    }
}
