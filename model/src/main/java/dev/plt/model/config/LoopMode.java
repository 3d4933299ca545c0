package dev.plt.model.config;

/** How the L loops of a looped model are arranged (plt-spec section 2). */
public enum LoopMode {
    /** L = 1: a plain Llama / Qwen2 model. */
    NONE,
    /** Vanilla looped model: loop l consumes loop l-1's output at the same position; L passes per token. */
    SERIAL,
    /** PLT: loop l consumes loop l-1's output one position back, so all loops of a step run in one pass. */
    PARALLEL
}
