package dev.plt.udfs.batch;

import java.util.List;

/**
 * A row made ready for the engine: its prompt ids and, for multiple choice, one id list per choice
 * and each choice's length in characters (for lm-eval's acc_norm).
 *
 * @param cost tokens this row puts through the engine, used to bound micro-batches
 */
public record Prepared(int[] promptIds, List<int[]> choiceIds, int[] choiceChars, int cost) {
    public static Prepared prompt(int[] ids, int extraTokens) {
        return new Prepared(ids, null, null, ids.length + extraTokens);
    }

    public static Prepared withChoices(int[] context, List<int[]> choices, int[] choiceChars) {
        int cost = context.length;
        for (int[] c : choices) {
            cost += c.length;
        }
        return new Prepared(context, choices, choiceChars, cost);
    }
}
