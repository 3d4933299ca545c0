package dev.plt.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.plt.trainer.data.AnswerProbe;
import dev.plt.trainer.data.Batch;
import dev.plt.trainer.model.PltForward;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Held-out answer accuracy per group: at every answer position the prediction is the candidate token with
 * the highest logit (the first on ties), which is what the engine's multiple-choice scoring of the same
 * candidates picks, so the final figure can be checked against {@code bin/plt evaluate}.
 */
final class AnswerAccuracy {
    private AnswerAccuracy() {
    }

    /** Accuracy per group, then {@code all} over every answer; insertion-ordered. */
    static Map<String, Double> of(NDManager manager, PltForward forward, AnswerProbe probe,
            List<AnswerProbe.ProbeBatch> batches) {
        List<String> groups = probe.groups();
        int[] candidates = probe.candidates();
        long[] right = new long[groups.size()];
        long[] total = new long[groups.size()];
        for (AnswerProbe.ProbeBatch pb : batches) {
            Batch b = pb.batch();
            float[] logits;
            int vocab;
            try (NDScope scope = new NDScope()) {
                NDArray out = forward.logits(manager.create(b.inputs(), new Shape(b.rows(), b.length())));
                vocab = Math.toIntExact(out.getShape().get(2));
                logits = out.toFloatArray();
            }
            for (int p = 0; p < pb.group().length; p++) {
                int g = pb.group()[p];
                if (g < 0) {
                    continue;
                }
                int predicted = argmax(logits, p * vocab, candidates);
                total[g]++;
                right[g] += predicted == b.targets()[p] ? 1 : 0;
            }
        }
        Map<String, Double> accuracy = new LinkedHashMap<>();
        long allRight = 0;
        long allTotal = 0;
        for (int g = 0; g < groups.size(); g++) {
            accuracy.put(groups.get(g), total[g] == 0 ? Double.NaN : (double) right[g] / total[g]);
            allRight += right[g];
            allTotal += total[g];
        }
        accuracy.put("all", allTotal == 0 ? Double.NaN : (double) allRight / allTotal);
        return accuracy;
    }

    /** The candidate token with the largest logit at the row starting at {@code offset}. */
    static int argmax(float[] logits, int offset, int[] candidates) {
        int best = candidates[0];
        for (int c : candidates) {
            if (logits[offset + c] > logits[offset + best]) {
                best = c;
            }
        }
        return best;
    }
}
