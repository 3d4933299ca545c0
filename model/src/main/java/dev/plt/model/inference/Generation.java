package dev.plt.model.inference;

/**
 * One generated continuation.
 *
 * @param tokens       generated ids (a stop token that ended the sequence is not included)
 * @param text         decoded text, cut before a stop string; null without a tokenizer
 * @param finishReason "length" (max_new_tokens reached) or "stop" (stop token or string)
 */
public record Generation(int[] tokens, String text, String finishReason) {
}
