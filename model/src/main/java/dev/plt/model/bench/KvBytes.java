package dev.plt.model.bench;

import dev.plt.model.config.LoopAttention;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.engine.ForwardPath;
import dev.plt.model.engine.ForwardPath.Sequence;
import dev.plt.model.loop.KvFootprint;
import dev.plt.model.loop.SequenceState;
import java.util.List;
import java.util.SplittableRandom;

/**
 * KV-cache bytes of one sequence, three ways: from the caches the engine filled by running the model;
 * from the engine's per-sequence cache layout ({@link SequenceState}) filled directly, for lengths
 * whose forward passes would cost minutes; and by the spec's formula ({@link KvFootprint}).
 */
public final class KvBytes {
    private KvBytes() {
    }

    /** Runs the engine on random tokens until {@code sequence} holds {@code tokens}, then reads its caches. */
    public static long afterEngine(ForwardPath path, Sequence sequence, int tokens, long seed) {
        int missing = tokens - sequence.length();
        if (missing > 0) {
            int[] more = new SplittableRandom(seed).ints(missing, 0, path.config().vocabSize()).toArray();
            path.append(List.of(sequence), List.of(more), false, (s, position, logits, off) -> { });
        }
        return sequence.kvBytes();
    }

    /**
     * Writes {@code tokens} positions of K/V into a fresh {@link SequenceState} the way the decoder stack
     * does (each loop with its own full cache appends every position; each G-SWA loop puts every
     * position in its ring) and reads back what the caches hold. No forward pass: K/V are zeros.
     */
    public static long filledCaches(ModelConfig config, int tokens) {
        SequenceState state = new SequenceState(config, tokens);
        float[] zeros = new float[config.kvDim()];
        for (int loop = 0; loop < config.numLoops(); loop++) {
            boolean ownCache = state.hasOwnFullCache(loop);
            boolean window = config.attentionOf(loop) == LoopAttention.SHARED_PLUS_WINDOW;
            for (int layer = 0; layer < config.numLayers(); layer++) {
                for (int p = 0; p < tokens; p++) {
                    if (ownCache) {
                        state.fullCache(loop, layer).put(p, zeros, 0, zeros, 0);
                    }
                    if (window) {
                        state.windowCache(loop, layer).put(p, zeros, 0, zeros, 0);
                    }
                }
            }
        }
        return state.kvBytes();
    }

    /** plt-spec section 4. */
    public static long formula(ModelConfig config, int tokens) {
        return KvFootprint.bytesPerSequence(config, tokens);
    }
}
