package dev.plt.trainer.data;

import java.util.List;
import java.util.Random;

/** Where training windows come from: random batches to train on, fixed ones to validate with. */
public interface TrainingData {
    /** {@code rows} random windows of {@code length} predictions each from the training split. */
    Batch sample(Random random, int rows, int length);

    /**
     * The held-out split cut into windows of {@code length}, {@code rows} per batch (the last batch may
     * be smaller). Deterministic: the same call gives the same batches.
     */
    List<Batch> validation(int rows, int length);

    /** One line for the log: what was read and how it was split. */
    String describe();
}
