package dev.plt.datasets.tasks.mmlu;

import dev.plt.datasets.tasks.PythonWhitespace;
import java.util.List;

/**
 * lm-eval's MMLU prompt (task {@code mmlu}, default template), character for character:
 * <pre>
 * The following are multiple choice questions (with answers) about {subject}.\n\n
 * {question}\nA. {A}\nB. {B}\nC. {C}\nD. {D}\nAnswer: {letter}\n\n     (k times, from the dev split)
 * {question}\nA. {A}\nB. {B}\nC. {C}\nD. {D}\nAnswer:
 * </pre>
 * The subject is the file name's with underscores as spaces; the question is stripped
 * ({@code question.strip()} in lm-eval's template), the options are not. The continuations scored are
 * {@code " A"} .. {@code " D"}.
 */
public final class MmluPrompt {
    private MmluPrompt() {
    }

    public static String description(String subject) {
        return "The following are multiple choice questions (with answers) about " + subject.replace('_', ' ')
                + ".\n\n";
    }

    /** A question and its options, ending in {@code "Answer:"} (lm-eval's {@code doc_to_text}). */
    public static String question(MmluRow row) {
        StringBuilder sb = new StringBuilder(PythonWhitespace.strip(row.question()));
        for (int i = 0; i < MmluRow.LETTERS.size(); i++) {
            sb.append('\n').append(MmluRow.LETTERS.get(i)).append(". ").append(row.options().get(i));
        }
        return sb.append("\nAnswer:").toString();
    }

    /** The full context: description, the few-shot examples with their answers, then the question. */
    public static String context(String subject, List<MmluRow> fewshot, MmluRow row) {
        StringBuilder sb = new StringBuilder(description(subject));
        for (MmluRow example : fewshot) {
            sb.append(question(example)).append(' ').append(example.answer()).append("\n\n");
        }
        return sb.append(question(row)).toString();
    }
}
