package dev.plt.model.reference;

import dev.plt.model.config.GateInput;
import dev.plt.model.config.LoopAttention;
import dev.plt.model.config.LoopMode;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.weights.LayerWeights;
import dev.plt.model.tensor.Matrix;
import dev.plt.model.weights.ModelWeights;

/**
 * The full-sequence forward pass with training semantics: plt-spec sections 2-4 written as plainly
 * as possible, with no caches and no batching. It is the oracle the fast path is tested against, so
 * it favours being obviously right over being fast. Arrays are indexed [position][feature].
 */
public final class ReferenceForward {
    private final ModelConfig config;
    private final ModelWeights weights;

    public ReferenceForward(ModelConfig config, ModelWeights weights) {
        this.config = config;
        this.weights = weights;
    }

    /** Logits at every position: {@code logits[t]} predicts token t + 1. */
    public float[][] logits(int[] tokens) {
        float[][] lastLoopOutput = forward(tokens);
        int n = tokens.length;
        float[][] logits = new float[n][];
        for (int t = 0; t < n; t++) {
            logits[t] = matVec(weights.lmHead(), rmsNorm(lastLoopOutput[t], weights.finalNorm()));
        }
        return logits;
    }

    /** Runs the L loops and returns h^L, the last loop's output, before the final norm. */
    public float[][] forward(int[] tokens) {
        int n = tokens.length;
        float[][] embeddings = new float[n][];
        for (int t = 0; t < n; t++) {
            embeddings[t] = row(weights.embedTokens(), tokens[t]);
        }
        // Loop 1's keys and values per layer, post-RoPE: the cache that loops >= 2 share.
        float[][][] loop1Keys = new float[config.numLayers()][][];
        float[][][] loop1Values = new float[config.numLayers()][][];

        float[][] previousLoop = null;
        for (int loop = 0; loop < config.numLoops(); loop++) {
            float[][] input = loopInput(loop, embeddings, previousLoop);
            float[][] residual = input;
            for (int layer = 0; layer < config.numLayers(); layer++) {
                residual = decoderLayer(loop, layer, residual, loop1Keys, loop1Values);
            }
            previousLoop = residual;
        }
        return previousLoop;
    }

    /** plt-spec section 3: what loop {@code loop} (0-based) consumes at each position. */
    private float[][] loopInput(int loop, float[][] embeddings, float[][] previousLoop) {
        int n = embeddings.length;
        float[][] input = new float[n][];
        for (int t = 0; t < n; t++) {
            if (loop == 0) {
                input[t] = embeddings[t].clone();
            } else if (config.loopMode() == LoopMode.SERIAL) {
                input[t] = carried(previousLoop[t]);
            } else {
                // B^l_t = a * E(x_t) + b * h^{l-1}_{t-1}, with a zero carry at t = 0.
                float[] b = new float[config.hiddenSize()];
                for (int i = 0; i < b.length; i++) {
                    float carry = t == 0 ? 0f : carried(previousLoop[t - 1])[i];
                    b[i] = config.embScale() * embeddings[t][i] + config.hiddenScale() * carry;
                }
                input[t] = b;
            }
        }
        return input;
    }

    /** A loop's output as the next loop sees it: normed by the shared final norm if the config says so. */
    private float[] carried(float[] h) {
        return config.normalizePerLoop() ? rmsNorm(h, weights.finalNorm()) : h;
    }

    private float[][] decoderLayer(int loop, int layer, float[][] residualIn, float[][][] loop1Keys,
            float[][][] loop1Values) {
        LayerWeights w = weights.layers().get(layer);
        int n = residualIn.length;
        int heads = config.numHeads();
        int headDim = config.headDim();

        float[][] q = new float[n][];
        float[][] k = new float[n][];
        float[][] v = new float[n][];
        for (int t = 0; t < n; t++) {
            float[] x = rmsNorm(residualIn[t], w.inputNorm());
            q[t] = rope(add(matVec(w.wq(), x), w.bq()), t, heads);
            k[t] = rope(add(matVec(w.wk(), x), w.bk()), t, config.numKvHeads());
            v[t] = add(matVec(w.wv(), x), w.bv());
        }
        if (loop == 0) {
            loop1Keys[layer] = k;
            loop1Values[layer] = v;
        }

        LoopAttention mode = config.attentionOf(loop);
        float[][] residual = new float[n][];
        for (int t = 0; t < n; t++) {
            float[] y = new float[config.queryDim()];
            for (int h = 0; h < heads; h++) {
                int kvHead = h / config.groupSize();
                float[] yHead = switch (mode) {
                    case OWN_FULL_CACHE -> attend(q[t], h, k, v, kvHead, 0, t);
                    case SHARED_ONLY -> attend(q[t], h, loop1Keys[layer], loop1Values[layer], kvHead, 0, t);
                    case SHARED_PLUS_WINDOW -> {
                        float[] global = attend(q[t], h, loop1Keys[layer], loop1Values[layer], kvHead, 0, t);
                        float[] local = attend(q[t], h, k, v, kvHead, Math.max(0, t - config.windowSize()), t);
                        float g = sigmoid(gateLogit(w, residualIn[t], q[t], h));
                        float[] mixed = new float[headDim];
                        for (int i = 0; i < headDim; i++) {
                            mixed[i] = g * global[i] + (1 - g) * local[i];
                        }
                        yield mixed;
                    }
                };
                System.arraycopy(yHead, 0, y, h * headDim, headDim);
            }
            float[] afterAttention = add(residualIn[t], matVec(w.wo(), y));
            float[] x2 = rmsNorm(afterAttention, w.postAttentionNorm());
            float[] gate = matVec(w.wGate(), x2);
            float[] up = matVec(w.wUp(), x2);
            float[] hidden = new float[gate.length];
            for (int i = 0; i < hidden.length; i++) {
                hidden[i] = silu(gate[i]) * up[i];
            }
            residual[t] = add(afterAttention, matVec(w.wDown(), hidden));
        }
        return residual;
    }

    /** softmax(q_h K[from..to]^T / sqrt(d_h)) V[from..to] for query head h over kv head kvHead. */
    private float[] attend(float[] q, int h, float[][] keys, float[][] values, int kvHead, int from, int to) {
        int headDim = config.headDim();
        double scale = 1.0 / Math.sqrt(headDim);
        double[] scores = new double[to - from + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int p = from; p <= to; p++) {
            double s = 0;
            for (int i = 0; i < headDim; i++) {
                s += q[h * headDim + i] * keys[p][kvHead * headDim + i];
            }
            scores[p - from] = s * scale;
            max = Math.max(max, scores[p - from]);
        }
        double sum = 0;
        for (int j = 0; j < scores.length; j++) {
            scores[j] = Math.exp(scores[j] - max);
            sum += scores[j];
        }
        float[] out = new float[headDim];
        for (int p = from; p <= to; p++) {
            double weight = scores[p - from] / sum;
            for (int i = 0; i < headDim; i++) {
                out[i] += (float) (weight * values[p][kvHead * headDim + i]);
            }
        }
        return out;
    }

    /** plt-spec section 4: the per-(token, head) gate logit of G-SWA. */
    private float gateLogit(LayerWeights w, float[] residualIn, float[] q, int h) {
        double logit = w.gateBias()[h];
        if (config.gateInput() == GateInput.QUERY) {
            int headDim = config.headDim();
            for (int i = 0; i < headDim; i++) {
                logit += q[h * headDim + i] * w.gate().get(h, i);
            }
        } else {
            float[] normed = rmsNorm(residualIn, w.gateNorm());
            for (int i = 0; i < normed.length; i++) {
                logit += normed[i] * w.gate().get(h, i);
            }
        }
        return (float) logit;
    }

    /** RoPE, Hugging Face "rotate half": dimension i pairs with i + d_h/2, angle t * theta^(-2i/d_h). */
    private float[] rope(float[] x, int position, int numHeads) {
        int headDim = config.headDim();
        int half = headDim / 2;
        float[] out = x.clone();
        for (int h = 0; h < numHeads; h++) {
            for (int i = 0; i < half; i++) {
                double angle = position * Math.pow(config.ropeTheta(), -2.0 * i / headDim);
                double cos = Math.cos(angle);
                double sin = Math.sin(angle);
                float x1 = x[h * headDim + i];
                float x2 = x[h * headDim + i + half];
                out[h * headDim + i] = (float) (x1 * cos - x2 * sin);
                out[h * headDim + i + half] = (float) (x2 * cos + x1 * sin);
            }
        }
        return out;
    }

    private float[] rmsNorm(float[] x, float[] weight) {
        double sumSquares = 0;
        for (float value : x) {
            sumSquares += (double) value * value;
        }
        double inverseRms = 1.0 / Math.sqrt(sumSquares / x.length + config.rmsNormEps());
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (x[i] * inverseRms * weight[i]);
        }
        return out;
    }

    private static float[] matVec(Matrix w, float[] x) {
        float[] out = new float[w.rows()];
        for (int o = 0; o < w.rows(); o++) {
            double sum = 0;
            for (int i = 0; i < w.cols(); i++) {
                sum += w.get(o, i) * x[i];
            }
            out[o] = (float) sum;
        }
        return out;
    }

    private static float[] row(Matrix m, int r) {
        float[] out = new float[m.cols()];
        m.copyRow(r, out, 0);
        return out;
    }

    private static float[] add(float[] a, float[] bOrNull) {
        if (bOrNull == null) {
            return a;
        }
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + bOrNull[i];
        }
        return out;
    }

    private static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    private static float silu(float x) {
        return x * sigmoid(x);
    }
}
