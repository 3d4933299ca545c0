package dev.plt.trainer.model;

/**
 * What one loop's attention reads (plt-spec sections 2, 4 and 8), re-derived here from the config
 * switches so the trainer stays an independent implementation of the engine's semantics.
 */
public enum AttentionKind {
    /** Causal over this loop's own keys and values (loop 1, serial loops, CLP only). */
    OWN_CAUSAL,
    /** KV share without G-SWA: causal over loop 1's keys and values of the same layer. */
    SHARED,
    /** KV share with G-SWA: gated mix of SHARED and a window of w + 1 of this loop's own keys. */
    SHARED_GATED_WINDOW
}
