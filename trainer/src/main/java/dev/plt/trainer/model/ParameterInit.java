package dev.plt.trainer.model;

/**
 * How {@link PltParameters} draws its initial values.
 */
public enum ParameterInit {
    /**
     * For training: GPT-style N(0, 0.02) matrices, residual output projections scaled down by
     * sqrt(2 * layers * loops) so the residual stream does not grow with depth, unit norm weights,
     * zero biases, and zero gate weights so every G-SWA gate starts at g = 0.5 (an even mix).
     */
    TRAINING,
    /**
     * For parity tests: every tensor random and away from its neutral value (norms 1 +- 0.1, biases and
     * gates non-zero), so a tensor read from the wrong place or ignored shows up in the logits.
     */
    PERTURBED
}
