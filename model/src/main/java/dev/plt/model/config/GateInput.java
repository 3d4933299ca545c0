package dev.plt.model.config;

/** What the G-SWA gate reads (plt-spec section 4, {@code plt_gate_use_hidden_states}). */
public enum GateInput {
    /** Default: {@code gate_logit_h = q_h . wg_h + bg_h} on the post-RoPE query of head h. */
    QUERY,
    /** LoopCoder-V2: {@code gate_logit = RMSNorm_g(residual) Wg^T + bg}. */
    HIDDEN_STATES
}
