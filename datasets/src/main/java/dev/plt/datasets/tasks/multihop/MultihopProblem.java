package dev.plt.datasets.tasks.multihop;

import java.io.Serializable;

/**
 * One generated problem: the prompt (ending in {@code "Answer:"}), the answer digit, and how many
 * lookups it takes.
 */
public record MultihopProblem(String prompt, int answer, int hops) implements Serializable {

    /** The scored continuation of the answer, leading space included (lm-eval's target delimiter). */
    public String answerText() {
        return " " + answer;
    }
}
