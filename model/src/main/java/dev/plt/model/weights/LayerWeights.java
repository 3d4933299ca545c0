package dev.plt.model.weights;

import dev.plt.model.tensor.Matrix;

/**
 * One decoder layer (plt-spec section 1: a standard Llama layer), shared by every loop.
 * Biases are null when {@code attention_bias} is false; the gate tensors are null unless some loop
 * uses G-SWA, and {@code gateNorm} only exists for the hidden-state gate.
 *
 * @param gate      [H, d_h] (query gate) or [H, d] (hidden-state gate)
 */
public record LayerWeights(
        float[] inputNorm,
        Matrix wq, Matrix wk, Matrix wv, Matrix wo,
        float[] bq, float[] bk, float[] bv,
        float[] postAttentionNorm,
        Matrix wGate, Matrix wUp, Matrix wDown,
        Matrix gate, float[] gateBias, float[] gateNorm) {

    public long byteSize() {
        long bytes = 0;
        for (Matrix m : matrices()) {
            bytes += m == null ? 0 : m.byteSize();
        }
        for (float[] v : vectors()) {
            bytes += v == null ? 0 : 4L * v.length;
        }
        return bytes;
    }

    public long parameterCount() {
        long params = 0;
        for (Matrix m : matrices()) {
            params += m == null ? 0 : (long) m.rows() * m.cols();
        }
        for (float[] v : vectors()) {
            params += v == null ? 0 : v.length;
        }
        return params;
    }

    private Matrix[] matrices() {
        return new Matrix[] {wq, wk, wv, wo, wGate, wUp, wDown, gate};
    }

    private float[][] vectors() {
        return new float[][] {inputNorm, postAttentionNorm, bq, bk, bv, gateBias, gateNorm};
    }
}
