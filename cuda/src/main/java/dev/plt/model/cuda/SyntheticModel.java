package dev.plt.model.cuda;

import dev.plt.model.config.GateInput;
import dev.plt.model.config.LoopMode;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.tensor.Bf16Matrix;
import dev.plt.model.weights.LayerWeights;
import dev.plt.model.tensor.Matrix;
import dev.plt.model.weights.ModelWeights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A large random model built in memory for latency measurements, where writing and re-reading a
 * multi-gigabyte checkpoint would only cost time: bf16 matrices with uniform values of standard deviation
 * 1/sqrt(fan-in) (activations stay O(1)), unit norms. The families of one shape share the same matrices;
 * PLT adds its gate. Not for accuracy checks: those use RandomCheckpoint through the real loaders.
 */
final class SyntheticModel {
    /** The TinyLlama-1.1B shape: d 2048, ff 5632, 22 layers, 32 heads over 4 KV heads of 64, vocab 32000. */
    static ModelConfig oneBillion(int loops, LoopMode mode, int window) {
        return new ModelConfig("llama", 2048, 5632, 22, 32, 4, 64, 32000, 1e-5f, 10000.0, 4096, false, false,
                "bfloat16", loops, mode, true, true, GateInput.QUERY, window, 1f, 1f, false);
    }

    /** The 1.1B shape, or a tiny one (d 64, 2 layers) for trying the benchmark out. */
    static ModelConfig shape(boolean tiny, int loops, LoopMode mode, int window) {
        if (!tiny) {
            return oneBillion(loops, mode, window);
        }
        return new ModelConfig("llama", 64, 96, 2, 4, 2, 16, 300, 1e-5f, 10000.0, 4096, false, false, "bfloat16",
                loops, mode, true, true, GateInput.QUERY, window, 1f, 1f, false);
    }

    private SyntheticModel() {
    }

    /** Weights for {@code config}; pass the result of an earlier call as {@code base} to reuse its matrices. */
    static ModelWeights weights(ModelConfig config, ModelWeights base, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int d = config.hiddenSize();
        int q = config.queryDim();
        int kv = config.kvDim();
        int ff = config.intermediateSize();
        Matrix embed = base != null ? base.embedTokens() : matrix(random, config.vocabSize(), d, 1.0);
        Matrix head = base != null ? base.lmHead() : matrix(random, config.vocabSize(), d, 1 / Math.sqrt(d));
        List<LayerWeights> layers = new ArrayList<>();
        for (int i = 0; i < config.numLayers(); i++) {
            LayerWeights b = base != null ? base.layers().get(i) : new LayerWeights(ones(d),
                    matrix(random, q, d, 1 / Math.sqrt(d)), matrix(random, kv, d, 1 / Math.sqrt(d)),
                    matrix(random, kv, d, 1 / Math.sqrt(d)), matrix(random, d, q, 1 / Math.sqrt(q)), null, null, null,
                    ones(d), matrix(random, ff, d, 1 / Math.sqrt(d)), matrix(random, ff, d, 1 / Math.sqrt(d)),
                    matrix(random, d, ff, 1 / Math.sqrt(ff)), null, null, null);
            Matrix gate = null;
            float[] gateBias = null;
            if (config.usesGate()) {
                gate = matrix(random, config.numHeads(), config.headDim(), 1 / Math.sqrt(config.headDim()));
                gateBias = new float[config.numHeads()];
            }
            layers.add(new LayerWeights(b.inputNorm(), b.wq(), b.wk(), b.wv(), b.wo(), null, null, null,
                    b.postAttentionNorm(), b.wGate(), b.wUp(), b.wDown(), gate, gateBias, null));
        }
        return new ModelWeights(embed, layers, ones(d), head);
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        return v;
    }

    private static Bf16Matrix matrix(SplittableRandom random, int rows, int cols, double std) {
        short[] data = new short[rows * cols];
        float half = (float) (std * Math.sqrt(3)); // uniform on [-half, half] has this standard deviation
        for (int i = 0; i < data.length; i++) {
            data[i] = Bf16Matrix.fromFloat((float) (half * (2 * random.nextDouble() - 1)));
        }
        return new Bf16Matrix(data, rows, cols);
    }
}
