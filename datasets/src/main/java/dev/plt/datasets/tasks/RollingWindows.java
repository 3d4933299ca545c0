package dev.plt.datasets.tasks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * lm-eval's {@code loglikelihood_rolling} windows ({@code get_rolling_token_windows} with
 * {@code context_len=1}, then {@code make_disjoint_window}): how a document longer than the model's
 * context is cut so that every token is predicted exactly once, each with as much preceding text as fits.
 * <ul>
 *   <li>The first window predicts the first {@code min(maxLength, n)} tokens from the prefix token
 *       (end-of-text) onwards.</li>
 *   <li>Each later window predicts the next up to {@code maxLength} tokens; its context is the tokens
 *       just before them, so that context + predicted tokens - 1 = {@code maxLength} model positions.</li>
 * </ul>
 * The document's log-likelihood is the sum over windows of log p(continuation | context).
 */
public final class RollingWindows {
    private RollingWindows() {
    }

    /** One scoring call: predict {@code continuation} after {@code context} (never empty). */
    public record Window(int[] context, int[] continuation) {
    }

    /**
     * @param tokens      the document's tokens (no prefix)
     * @param prefixToken what the first token is predicted from (lm-eval: end-of-text)
     * @param maxLength   the model's context length in tokens (at least 1)
     */
    public static List<Window> of(int[] tokens, int prefixToken, int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be >= 1, got " + maxLength);
        }
        List<Window> windows = new ArrayList<>();
        if (tokens.length == 0) {
            return windows;
        }
        int first = Math.min(maxLength, tokens.length);
        windows.add(new Window(new int[] {prefixToken}, Arrays.copyOfRange(tokens, 0, first)));
        int predicted = first;
        while (predicted < tokens.length) {
            int count = Math.min(tokens.length - predicted, maxLength);
            int end = predicted + count;
            // The model input is tokens[end - maxLength - 1, end - 1); the last `count` of its targets are new.
            int inputStart = end - maxLength - 1;
            int contextEnd = inputStart + maxLength - (count - 1);
            windows.add(new Window(Arrays.copyOfRange(tokens, inputStart, contextEnd),
                    Arrays.copyOfRange(tokens, predicted, end)));
            predicted = end;
        }
        return windows;
    }
}
