package dev.plt.model.weights;

import dev.plt.model.tensor.Matrix;
import java.util.List;

/**
 * All weights of a model. {@code lmHead} is the embedding matrix itself when embeddings are tied.
 */
public record ModelWeights(Matrix embedTokens, List<LayerWeights> layers, float[] finalNorm, Matrix lmHead) {

    /** Bytes of the weights one forward step streams: every layer, the final norm and the LM head. */
    public long streamedBytesPerStep() {
        long bytes = 4L * finalNorm.length + lmHead.byteSize();
        for (LayerWeights layer : layers) {
            bytes += layer.byteSize();
        }
        return bytes;
    }

    /** Number of parameters (a tied LM head counted once). */
    public long parameterCount() {
        long params = (long) embedTokens.rows() * embedTokens.cols() + finalNorm.length;
        if (lmHead != embedTokens) {
            params += (long) lmHead.rows() * lmHead.cols();
        }
        for (LayerWeights layer : layers) {
            params += layer.parameterCount();
        }
        return params;
    }
}
