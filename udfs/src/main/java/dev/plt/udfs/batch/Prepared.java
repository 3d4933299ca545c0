package dev.plt.udfs.batch;

import java.util.List;

/**
 * A row made ready for the engine: its prompt ids; for multiple choice, one id list per choice and each
 * choice's length in characters (for lm-eval's acc_norm); for a rolling log-likelihood, the document's
 * windows (each window's ids, and how many of its last tokens it predicts).
 *
 * @param cost tokens this row puts through the engine, used to bound micro-batches
 */
public record Prepared(int[] promptIds, List<int[]> choiceIds, int[] choiceChars, List<int[]> windowIds,
        int[] windowTargets, int cost) {
    public static Prepared prompt(int[] ids, int extraTokens) {
        return new Prepared(ids, null, null, null, null, ids.length + extraTokens);
    }

    public static Prepared withChoices(int[] context, List<int[]> choices, int[] choiceChars) {
        int cost = context.length;
        for (int[] c : choices) {
            cost += c.length;
        }
        return new Prepared(context, choices, choiceChars, null, null, cost);
    }

    /** A document's rolling windows, scored one after another (a document of no tokens has none). */
    public static Prepared withWindows(List<int[]> windows, int[] targets) {
        int cost = 0;
        for (int[] w : windows) {
            cost += w.length;
        }
        return new Prepared(new int[0], null, null, windows, targets, cost);
    }

    /** The tokens the row feeds the engine as prompt (every window's, for a document): its prompt_tokens. */
    public int promptTokens() {
        return windowIds == null ? promptIds.length : cost;
    }
}
