package dev.plt.model.engine;

import dev.plt.model.config.ModelConfig;
import dev.plt.model.reference.ReferenceForward;
import dev.plt.model.weights.ModelWeights;
import java.util.Arrays;
import java.util.List;

/**
 * The oracle as a {@link ForwardPath}: a sequence is just its tokens, and every append recomputes the
 * whole forward with training semantics. Quadratic and slow by design; for tests and for
 * {@code --path reference} on small inputs.
 */
public final class ReferencePath implements ForwardPath {
    private final ModelConfig config;
    private final ReferenceForward forward;

    public ReferencePath(ModelConfig config, ModelWeights weights) {
        this.config = config;
        this.forward = new ReferenceForward(config, weights);
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public Sequence start() {
        return new TokenSequence(new int[0]);
    }

    @Override
    public Sequence fork(Sequence sequence) {
        return new TokenSequence(((TokenSequence) sequence).tokens.clone());
    }

    @Override
    public void append(List<Sequence> sequences, List<int[]> tokens, boolean allPositions, LogitsSink sink) {
        for (int s = 0; s < sequences.size(); s++) {
            TokenSequence seq = (TokenSequence) sequences.get(s);
            int[] added = tokens.get(s);
            if (added.length == 0) {
                continue;
            }
            int first = seq.tokens.length;
            int[] all = Arrays.copyOf(seq.tokens, first + added.length);
            System.arraycopy(added, 0, all, first, added.length);
            seq.tokens = all;
            float[][] logits = forward.logits(all);
            for (int p = allPositions ? first : all.length - 1; p < all.length; p++) {
                sink.accept(s, p, logits[p], 0);
            }
        }
    }

    private static final class TokenSequence implements Sequence {
        private int[] tokens;

        TokenSequence(int[] tokens) {
            this.tokens = tokens;
        }

        @Override
        public int length() {
            return tokens.length;
        }

        @Override
        public long kvBytes() {
            return 0;
        }
    }
}
