package dev.plt.datasets.tasks;

import java.util.Objects;

/**
 * The total log-likelihood of a whole document (perplexity). As in lm-eval the first token is
 * predicted from the end-of-text token and long documents are scored in rolling windows; that is the
 * engine's job, this only carries the text.
 */
public record LoglikelihoodRollingRequest(String document) implements Request {
    public LoglikelihoodRollingRequest {
        Objects.requireNonNull(document, "document");
    }

    @Override
    public RequestType type() {
        return RequestType.LOGLIKELIHOOD_ROLLING;
    }
}
