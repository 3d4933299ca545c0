package dev.plt.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.plt.trainer.data.Batch;
import dev.plt.trainer.model.CausalLmLoss;
import dev.plt.trainer.model.PltForward;
import java.util.List;

/** Held-out loss: the mean over every counted prediction (not over batches), in nats per token. */
final class Evaluator {
    private Evaluator() {
    }

    static double meanLoss(NDManager manager, PltForward forward, List<Batch> batches) {
        double totalNats = 0;
        long counted = 0;
        for (Batch b : batches) {
            try (NDScope scope = new NDScope()) {
                Shape shape = new Shape(b.rows(), b.length());
                NDArray loss = CausalLmLoss.of(forward.logits(manager.create(b.inputs(), shape)),
                        manager.create(b.targets(), shape), manager.create(b.weights(), shape));
                int n = b.countedTokens();
                totalNats += loss.getFloat() * (double) n;
                counted += n;
            }
        }
        return totalNats / counted;
    }
}
