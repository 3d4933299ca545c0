package dev.plt.datasets.tasks;

import java.io.Serializable;

/**
 * One question put to a model, in lm-evaluation-harness's three shapes. A {@link Sample} carries one or
 * more of them; the engine answers each with a {@link Response} in the same order.
 */
public sealed interface Request extends Serializable
        permits LoglikelihoodRequest, GenerateUntilRequest, LoglikelihoodRollingRequest {

    RequestType type();
}
