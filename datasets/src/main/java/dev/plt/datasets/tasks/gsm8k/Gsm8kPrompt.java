package dev.plt.datasets.tasks.gsm8k;

import java.util.List;

/**
 * lm-eval's {@code gsm8k} prompt: {@code "Question: {question}\nAnswer:"}, preceded by few-shot
 * examples {@code "Question: {question}\nAnswer: {full answer}"} each followed by a blank line. The full
 * answer includes the worked solution and the {@code "#### n"} line, which teaches the strict format.
 */
public final class Gsm8kPrompt {
    private Gsm8kPrompt() {
    }

    /** A question and (possibly) answer pair from the JSONL files. */
    public record Problem(String question, String answer) {
    }

    public static String question(String question) {
        return "Question: " + question + "\nAnswer:";
    }

    public static String context(List<Problem> fewshot, String question) {
        StringBuilder sb = new StringBuilder();
        for (Problem example : fewshot) {
            sb.append(question(example.question())).append(' ').append(example.answer()).append("\n\n");
        }
        return sb.append(question(question)).toString();
    }
}
