package dev.plt.datasets.tasks;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One document of a task, ready for a model: its requests and what they are scored against.
 *
 * @param id       stable and unique within the task, e.g. {@code "abstract_algebra/test/0"}
 * @param doc      the source fields (question, choices, answer...), for reports; insertion-ordered
 * @param requests what to ask the model; every request of a multiple-choice sample shares its context
 * @param choices  for multiple choice, the choice texts as lm-eval's {@code doc_to_choice} gives them
 *                 (no leading space: {@code acc_norm} divides by their length); empty otherwise
 * @param gold     for multiple choice, the index of the right choice; -1 otherwise
 * @param target   the reference answer as text (the gold choice; for GSM8K the whole solution, lm-eval's
 *                 doc_to_target); null for perplexity
 * @param subject  the MMLU subject, for the per-subject breakdown; null for tasks without subjects
 * @param display  one short line that identifies the sample in a report (the question, shortened)
 * @param invalid  why the sample's data cannot be scored (a GSM8K reference without its {@code "#### "}),
 *                 or null: an evaluation reports it as an {@code invalid_input} error instead of asking
 *                 the model and counting a wrong answer
 */
public record Sample(String id, Map<String, String> doc, List<Request> requests, List<String> choices,
        int gold, String target, String subject, String display, String invalid) implements Serializable {

    public Sample {
        Objects.requireNonNull(id, "id");
        // unmodifiableMap over a copy keeps the field order (Map.copyOf would not) and stays serializable.
        doc = Collections.unmodifiableMap(new LinkedHashMap<>(doc));
        requests = List.copyOf(requests);
        choices = List.copyOf(choices);
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("sample " + id + " has no requests");
        }
        if (!choices.isEmpty() && (gold < 0 || gold >= choices.size())) {
            throw new IllegalArgumentException("sample " + id + ": gold " + gold + " is not one of "
                    + choices.size() + " choices");
        }
    }

    /** A sample whose data is fine. */
    public Sample(String id, Map<String, String> doc, List<Request> requests, List<String> choices, int gold,
            String target, String subject, String display) {
        this(id, doc, requests, choices, gold, target, subject, display, null);
    }

    /** The multiple-choice requests, one per choice, with their shared context. */
    public static Sample multipleChoice(String id, Map<String, String> doc, String context, List<String> choices,
            int gold, String subject, String display) {
        List<Request> requests = choices.stream()
                .<Request>map(choice -> new LoglikelihoodRequest(context, " " + choice))
                .toList();
        return new Sample(id, doc, requests, choices, gold, choices.get(gold), subject, display);
    }

    /** A display line: the first line of {@code text}, cut to {@code max} characters. */
    public static String shorten(String text, int max) {
        String line = text.strip();
        int newline = line.indexOf('\n');
        if (newline >= 0) {
            line = line.substring(0, newline) + " ...";
        }
        return line.length() <= max ? line : line.substring(0, max - 3) + "...";
    }
}
