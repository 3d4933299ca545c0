package dev.plt.model.loop;

import dev.plt.model.config.LoopAttention;
import dev.plt.model.config.LoopMode;
import dev.plt.model.config.ModelConfig;

/**
 * Everything one sequence keeps between forward passes, laid out by KV sharing (plt-spec section 4):
 * a full cache per layer for loop 1 and for loops that keep their own; a (w+1)-slot ring per layer for
 * loops using G-SWA; nothing for "KV share only" loops; and, in PLT mode, the carries
 * {@code h^l} of the last position for l = 1 .. L-1 that the next step's loops consume.
 */
public final class SequenceState {
    private final FullKvCache[][] fullCaches;     // [loop][layer], null where the loop shares loop 1's
    private final WindowKvCache[][] windowCaches; // [loop][layer], null unless the loop uses G-SWA
    private final float[][] carries;              // [loop]: carried h^{loop} at position length-1
    private int length;

    public SequenceState(ModelConfig config, int expectedPositions) {
        int loops = config.numLoops();
        int layers = config.numLayers();
        fullCaches = new FullKvCache[loops][];
        windowCaches = new WindowKvCache[loops][];
        for (int loop = 0; loop < loops; loop++) {
            LoopAttention attention = config.attentionOf(loop);
            if (attention == LoopAttention.OWN_FULL_CACHE) {
                fullCaches[loop] = new FullKvCache[layers];
                for (int layer = 0; layer < layers; layer++) {
                    fullCaches[loop][layer] = new FullKvCache(config.kvDim(), expectedPositions);
                }
            } else if (attention == LoopAttention.SHARED_PLUS_WINDOW) {
                windowCaches[loop] = new WindowKvCache[layers];
                for (int layer = 0; layer < layers; layer++) {
                    windowCaches[loop][layer] = new WindowKvCache(config.kvDim(), config.windowSize());
                }
            }
        }
        // A zero carry before the first position (plt-spec section 3: h^{l-1}_0 := 0).
        int carried = config.loopMode() == LoopMode.PARALLEL ? loops - 1 : 0;
        carries = new float[carried][config.hiddenSize()];
    }

    private SequenceState(SequenceState other) {
        fullCaches = new FullKvCache[other.fullCaches.length][];
        windowCaches = new WindowKvCache[other.windowCaches.length][];
        for (int loop = 0; loop < fullCaches.length; loop++) {
            if (other.fullCaches[loop] != null) {
                fullCaches[loop] = new FullKvCache[other.fullCaches[loop].length];
                for (int layer = 0; layer < fullCaches[loop].length; layer++) {
                    fullCaches[loop][layer] = other.fullCaches[loop][layer].copy();
                }
            }
            if (other.windowCaches[loop] != null) {
                windowCaches[loop] = new WindowKvCache[other.windowCaches[loop].length];
                for (int layer = 0; layer < windowCaches[loop].length; layer++) {
                    windowCaches[loop][layer] = other.windowCaches[loop][layer].copy();
                }
            }
        }
        carries = new float[other.carries.length][];
        for (int l = 0; l < carries.length; l++) {
            carries[l] = other.carries[l].clone();
        }
        length = other.length;
    }

    /** Number of tokens processed so far (the next token's RoPE position). */
    public int length() {
        return length;
    }

    public void advance(int tokens) {
        length += tokens;
    }

    /** Loop {@code loop}'s own full cache for {@code layer}; for a sharing loop, loop 1's. */
    public FullKvCache fullCache(int loop, int layer) {
        FullKvCache[] own = fullCaches[loop];
        return own != null ? own[layer] : fullCaches[0][layer];
    }

    public boolean hasOwnFullCache(int loop) {
        return fullCaches[loop] != null;
    }

    public WindowKvCache windowCache(int loop, int layer) {
        return windowCaches[loop][layer];
    }

    /** The carry loop {@code loop + 1} consumes at the next position (a live reference). */
    public float[] carry(int loop) {
        return carries[loop];
    }

    /** KV bytes held now: full caches for the positions stored plus every ring's w + 1 slots. */
    public long kvBytes() {
        long bytes = 0;
        for (FullKvCache[] perLayer : fullCaches) {
            if (perLayer != null) {
                for (FullKvCache cache : perLayer) {
                    bytes += cache.bytes();
                }
            }
        }
        for (WindowKvCache[] perLayer : windowCaches) {
            if (perLayer != null) {
                for (WindowKvCache cache : perLayer) {
                    bytes += cache.bytes();
                }
            }
        }
        return bytes;
    }

    /** A deep copy: lets a shared context be prefilled once and branched per continuation. */
    public SequenceState fork() {
        return new SequenceState(this);
    }
}
