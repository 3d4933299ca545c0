package dev.plt.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The position-only tensors of one forward pass over {@code T} tokens: RoPE cos/sin tables and the
 * additive attention masks. Built on the host (angles in double, as the engine's reference does) and
 * handed to PyTorch as constants; none of them carries a gradient. They are backed by Java buffers,
 * so they must stay open until the backward pass has run: they are registered with the caller's
 * {@code NDScope}, which closes them after the step.
 */
final class PositionTables {
    /** Added to a masked score: exp underflows to exactly 0 in f32, with no infinities to trip on. */
    private static final float MASKED = -1e9f;

    /** [T, d_h]: cos and sin of position t * theta^(-2i/d_h), the half-table repeated for rotate-half. */
    final NDArray cos;
    final NDArray sin;
    /** [T, T]: key s visible from query t iff s <= t. */
    final NDArray causal;
    /** [T, T]: key s visible from query t iff max(0, t - w) <= s <= t (plt-spec section 8). */
    final NDArray window;

    PositionTables(NDManager manager, int length, int headDim, double ropeTheta, int w) {
        int half = headDim / 2;
        float[] cosValues = new float[length * headDim];
        float[] sinValues = new float[length * headDim];
        for (int t = 0; t < length; t++) {
            for (int i = 0; i < half; i++) {
                double angle = t * Math.pow(ropeTheta, -2.0 * i / headDim);
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cosValues[t * headDim + i] = c;
                cosValues[t * headDim + i + half] = c;
                sinValues[t * headDim + i] = s;
                sinValues[t * headDim + i + half] = s;
            }
        }
        float[] causalValues = new float[length * length];
        float[] windowValues = new float[length * length];
        for (int t = 0; t < length; t++) {
            for (int s = 0; s < length; s++) {
                causalValues[t * length + s] = s <= t ? 0f : MASKED;
                windowValues[t * length + s] = s <= t && s >= t - w ? 0f : MASKED;
            }
        }
        cos = manager.create(cosValues, new Shape(length, headDim));
        sin = manager.create(sinValues, new Shape(length, headDim));
        causal = manager.create(causalValues, new Shape(length, length));
        window = manager.create(windowValues, new Shape(length, length));
    }
}
