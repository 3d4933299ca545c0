package dev.plt.datasets.tasks;

import java.util.Objects;

/**
 * Score {@code continuation} after {@code context}. The strings are as the task wrote them; turn them
 * into tokens with {@link PairEncoding}, which moves trailing context whitespace the way lm-eval does.
 */
public record LoglikelihoodRequest(String context, String continuation) implements Request {
    public LoglikelihoodRequest {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(continuation, "continuation");
    }

    @Override
    public RequestType type() {
        return RequestType.LOGLIKELIHOOD;
    }
}
