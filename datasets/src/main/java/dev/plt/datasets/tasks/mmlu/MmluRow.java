package dev.plt.datasets.tasks.mmlu;

import java.util.List;

/** One MMLU question: the text, the four options A-D and the letter of the right one. */
public record MmluRow(String question, List<String> options, String answer) {
    public static final List<String> LETTERS = List.of("A", "B", "C", "D");

    public MmluRow {
        options = List.copyOf(options);
        if (options.size() != LETTERS.size()) {
            throw new IllegalArgumentException("MMLU rows have 4 options, got " + options.size());
        }
        if (!LETTERS.contains(answer)) {
            throw new IllegalArgumentException("MMLU answer must be one of " + LETTERS + ", got '" + answer + "'");
        }
    }

    public int goldIndex() {
        return LETTERS.indexOf(answer);
    }
}
