package dev.plt.model.loop;

import dev.plt.model.config.LoopAttention;
import dev.plt.model.config.ModelConfig;

/**
 * KV-cache bytes per sequence by the formula of plt-spec section 4, from the config alone:
 * {@code KV(non-loop) = 2 * M * H_kv * d_h * bytes * n}; each loop with its own full cache adds that
 * again; each G-SWA loop adds {@code 2 * M * H_kv * d_h * bytes * (w + 1)}; "KV share only" loops add
 * nothing. The engine's caches ({@link SequenceState#kvBytes()}) are tested against this.
 */
public final class KvFootprint {
    /** The engine keeps K/V in float32. */
    public static final int BYTES_PER_VALUE = Float.BYTES;

    private KvFootprint() {
    }

    public static long bytesPerSequence(ModelConfig config, int tokens) {
        long perPosition = 2L * config.numLayers() * config.numKvHeads() * config.headDim() * BYTES_PER_VALUE;
        long bytes = 0;
        for (int loop = 0; loop < config.numLoops(); loop++) {
            LoopAttention attention = config.attentionOf(loop);
            if (attention == LoopAttention.OWN_FULL_CACHE) {
                bytes += perPosition * tokens;
            } else if (attention == LoopAttention.SHARED_PLUS_WINDOW) {
                bytes += perPosition * (config.windowSize() + 1);
            }
        }
        return bytes;
    }
}
