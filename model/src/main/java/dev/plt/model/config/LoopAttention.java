package dev.plt.model.config;

/** What one loop's attention reads (plt-spec sections 2 and 4). */
public enum LoopAttention {
    /** Causal over this loop's own full-length KV cache (loop 1, serial loops, {@code plt_kv_share=false}). */
    OWN_FULL_CACHE,
    /** KV sharing without G-SWA: causal over loop 1's cache only; this loop stores no K/V. */
    SHARED_ONLY,
    /** KV sharing with G-SWA: gate-mix of loop 1's cache and a window of w+1 of this loop's own K/V. */
    SHARED_PLUS_WINDOW
}
