package dev.plt.datasets.tasks;

import java.util.Arrays;
import java.util.OptionalInt;

/**
 * lm-evaluation-harness's {@code _encode_pair}: how a (context, continuation) string pair becomes the
 * two token sequences that are scored.
 * <ol>
 *   <li>Trailing whitespace of the context moves to the front of the continuation. BPE tokenizers
 *       glue a space to the word after it ({@code " A"} is one token), so {@code "Answer: "} + {@code "A"}
 *       would otherwise be scored as an unnatural split.</li>
 *   <li>{@code context + continuation} is encoded once and the continuation is what follows the first
 *       {@code len(encode(context))} tokens: the continuation's tokens are those the tokenizer produces
 *       for the full text, even where a merge crosses the boundary. The context is
 *       {@code encode(context)} itself, so every continuation of one context shares the same context
 *       tokens (and the engine can prefill them once).</li>
 *   <li>An empty context becomes the single prefix token (lm-eval uses end-of-text) so that the first
 *       continuation token has something to be predicted from.</li>
 * </ol>
 */
public final class PairEncoding {
    private PairEncoding() {
    }

    /** The token ids of a context and of its continuation. */
    public record EncodedPair(int[] context, int[] continuation) {
    }

    /** Encodes a pair with a non-empty context; see {@link #encode(TextEncoder, String, String, OptionalInt)}. */
    public static EncodedPair encode(TextEncoder encoder, String context, String continuation) {
        return encode(encoder, context, continuation, OptionalInt.empty());
    }

    /**
     * Encodes a pair as lm-eval does. The continuation may come back empty when the tokenizer merges it
     * into the context's last token (lm-eval does not guard this either); the engine rejects empty
     * continuations per row.
     *
     * @param prefixToken the token that stands for an empty context (end-of-text); required only then
     * @throws IllegalArgumentException if the context is empty and no prefix token is given
     */
    public static EncodedPair encode(TextEncoder encoder, String context, String continuation,
            OptionalInt prefixToken) {
        if (context.isEmpty()) {
            int prefix = prefixToken.orElseThrow(() -> new IllegalArgumentException(
                    "empty context: a prefix token (end-of-text) is needed to score the continuation"));
            return new EncodedPair(new int[] {prefix}, encoder.encode(continuation));
        }
        int kept = PythonWhitespace.stripTrailingLength(context);
        String movedContext = context.substring(0, kept);
        String movedContinuation = context.substring(kept) + continuation;
        int[] whole = encoder.encode(movedContext + movedContinuation);
        int[] contextTokens = encoder.encode(movedContext);
        int split = Math.min(contextTokens.length, whole.length);
        return new EncodedPair(contextTokens, Arrays.copyOfRange(whole, split, whole.length));
    }
}
