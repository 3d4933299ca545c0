package dev.plt.model.engine;

import dev.plt.model.config.ModelConfig;
import java.util.List;

/**
 * One way of computing logits from tokens, with state that sequences carry between calls. Two
 * implementations share one set of weights: {@link FastPath} (KV caches, CLP decode, batched
 * kernels) and {@link ReferencePath} (the training-semantics forward recomputed from scratch).
 * Scoring and generation are written once against this interface.
 */
public interface ForwardPath extends AutoCloseable {
    ModelConfig config();

    /** A new, empty sequence. */
    Sequence start();

    /** An independent copy of a sequence's state (to branch a shared context). */
    Sequence fork(Sequence sequence);

    /**
     * Appends {@code tokens.get(s)} to {@code sequences.get(s)} (token ids already validated) and hands
     * the sink the logits of every new position, or only of each sequence's last new position.
     * Logits are streamed a few rows at a time: a full [positions x vocab] block is never built.
     */
    void append(List<Sequence> sequences, List<int[]> tokens, boolean allPositions, LogitsSink sink);

    /** A short name for logs and outputs: "fast" or "reference". */
    String name();

    @Override
    default void close() {
    }

    /** What a sequence exposes whatever the path. */
    interface Sequence {
        int length();

        /** KV-cache bytes this sequence holds now (0 for the reference path, which keeps none). */
        long kvBytes();
    }

    /** Receives one row of logits; the array is reused after the call returns. */
    @FunctionalInterface
    interface LogitsSink {
        /**
         * @param sequenceIndex index into the {@code sequences} list of the call
         * @param position      absolute position in that sequence whose logits these are (they predict
         *                      the token at position + 1)
         */
        void accept(int sequenceIndex, int position, float[] logits, int offset);
    }
}
