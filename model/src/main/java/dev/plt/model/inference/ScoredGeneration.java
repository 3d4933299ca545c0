package dev.plt.model.inference;

/** The log-probs of a prompt's own tokens and what was generated after it, from one prefill. */
public record ScoredGeneration(TokenScores scores, Generation generation) {
}
