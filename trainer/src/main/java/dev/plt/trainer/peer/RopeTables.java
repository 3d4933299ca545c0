package dev.plt.trainer.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * RoPE cos/sin for positions 0..capacity-1, built once per decoder (as a PyTorch model keeps its
 * rotary cache), in the HF rotate-half layout: [capacity, d_h] with the half-table repeated. Angles
 * are computed in double, like the engine's reference, then rounded to f32.
 */
final class RopeTables {
    private final NDArray cos;
    private final NDArray sin;

    RopeTables(NDManager manager, int capacity, int headDim, double theta) {
        int half = headDim / 2;
        float[] cosValues = new float[capacity * headDim];
        float[] sinValues = new float[capacity * headDim];
        for (int t = 0; t < capacity; t++) {
            for (int i = 0; i < half; i++) {
                double angle = t * Math.pow(theta, -2.0 * i / headDim);
                int at = t * headDim + i;
                cosValues[at] = (float) Math.cos(angle);
                cosValues[at + half] = cosValues[at];
                sinValues[at] = (float) Math.sin(angle);
                sinValues[at + half] = sinValues[at];
            }
        }
        cos = manager.create(cosValues, new Shape(capacity, headDim));
        sin = manager.create(sinValues, new Shape(capacity, headDim));
        NDScope.unregister(cos, sin);
    }

    /** cos of positions from..to-1: a view [to - from, d_h]. */
    NDArray cos(int from, int to) {
        return cos.get(new NDIndex("{}:{}", from, to));
    }

    /** sin of positions from..to-1: a view [to - from, d_h]. */
    NDArray sin(int from, int to) {
        return sin.get(new NDIndex("{}:{}", from, to));
    }
}
