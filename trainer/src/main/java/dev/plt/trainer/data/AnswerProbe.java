package dev.plt.trainer.data;

import java.util.List;

/**
 * Held-out data whose counted predictions are answers to be right or wrong, not just text to be
 * likely: the trainer's periodic evaluation reports their accuracy per group (e.g. per hop) alongside
 * the loss, which is what a learning curve of a reasoning task needs.
 */
public interface AnswerProbe {
    /**
     * A held-out batch and, per position (row-major like the batch), the index in {@link #groups()} of
     * the answer predicted there, or -1 where no answer is predicted.
     */
    record ProbeBatch(Batch batch, int[] group) {
        public ProbeBatch {
            if (group.length != batch.rows() * batch.length()) {
                throw new IllegalArgumentException("one group entry per batch position is needed");
            }
        }
    }

    /** The group names, e.g. {@code hop_1, hop_2}. */
    List<String> groups();

    /** The token ids an answer is chosen among (the prediction is the argmax over these alone). */
    int[] candidates();

    /** The fixed held-out set, {@code rows} sequences per batch, windows of {@code length}. */
    List<ProbeBatch> probeBatches(int rows, int length);
}
