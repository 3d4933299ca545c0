package dev.plt.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Mean next-token cross-entropy in nats over the positions a weight mask keeps (e.g. answer tokens
 * only); positions with weight 0 contribute neither loss nor gradient.
 */
public final class CausalLmLoss {
    private CausalLmLoss() {
    }

    /**
     * @param logits  [B, T, V]
     * @param targets [B, T] token ids: targets[b, t] is the token logits[b, t] should predict
     * @param weights [B, T] float 0/1 mask; must keep at least one position
     * @return a scalar
     */
    public static NDArray of(NDArray logits, NDArray targets, NDArray weights) {
        NDArray logProbs = logits.logSoftmax(-1);
        NDArray picked = logProbs.gather(targets.toType(DataType.INT64, false).expandDims(-1), -1).squeeze(-1);
        return picked.mul(weights).sum().neg().div(weights.sum());
    }
}
