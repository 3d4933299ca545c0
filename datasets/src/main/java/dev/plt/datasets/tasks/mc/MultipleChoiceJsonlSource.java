package dev.plt.datasets.tasks.mc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plt.datasets.tasks.JsonLines;
import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.SampleSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generic multiple choice from JSONL (ARC / HellaSwag style), zero-shot as lm-eval runs ARC: the
 * context is {@code prompt} with {@code {question}} replaced (default {@code "Question: {question}\nAnswer:"}),
 * the continuations are {@code " " + choice}; scored with acc and acc_norm.
 */
public record MultipleChoiceJsonlSource(String path, String prompt, ChoiceFields fields) implements SampleSource {

    public MultipleChoiceJsonlSource {
        if (!prompt.contains("{question}")) {
            throw new IllegalArgumentException("prompt must contain {question}: '" + prompt + "'");
        }
    }

    @Override
    public List<Sample> load() {
        Path file = Path.of(path);
        List<JsonNode> rows = JsonLines.read(file);
        List<Sample> samples = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            try {
                samples.add(sample(rows.get(i), i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": row " + i + ": " + e.getMessage(), e);
            }
        }
        return samples;
    }

    private Sample sample(JsonNode row, int index) {
        String question = fields.question(row);
        List<String> choices = fields.choices(row);
        int gold = fields.gold(row, choices.size());
        Map<String, String> doc = new LinkedHashMap<>();
        doc.put("question", question);
        doc.put("choices", String.join(" | ", choices));
        doc.put("gold", Integer.toString(gold));
        return Sample.multipleChoice(fields.id(row, index), doc, prompt.replace("{question}", question), choices,
                gold, null, Sample.shorten(question, 100));
    }
}
