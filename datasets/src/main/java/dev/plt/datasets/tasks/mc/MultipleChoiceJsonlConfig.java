package dev.plt.datasets.tasks.mc;

import dev.plt.datasets.tasks.RequestType;
import dev.plt.datasets.tasks.Task;
import dev.plt.datasets.tasks.config.Accepts;
import dev.plt.datasets.tasks.config.DataPaths;
import dev.plt.datasets.tasks.config.TaskConfig;
import dev.plt.datasets.tasks.scoring.MultipleChoiceScorer;

/**
 * Options of kind {@code multiple_choice_jsonl} (defaults in brackets): {@code path} [required],
 * {@code prompt} ["Question: {question}\nAnswer:"], {@code question_field} [question],
 * {@code choices_field} [choices], {@code labels_field} [none], {@code gold_field} [gold],
 * {@code gold_type} [auto], {@code id_field} [none]. See {@link ChoiceFields} for what they mean.
 */
public record MultipleChoiceJsonlConfig(String path, String prompt, String questionField, String choicesField,
        String labelsField, String goldField, @Accepts(oneOf = {"auto", "index", "label"}) String goldType,
        String idField) implements TaskConfig {

    public MultipleChoiceJsonlConfig {
        prompt = prompt == null ? "Question: {question}\nAnswer:" : prompt;
        questionField = questionField == null ? "question" : questionField;
        choicesField = choicesField == null ? "choices" : choicesField;
        goldField = goldField == null ? "gold" : goldField;
        goldType = goldType == null ? "auto" : goldType;
    }

    @Override
    public Task toTask(String name, DataPaths paths) {
        ChoiceFields fields = new ChoiceFields(questionField, choicesField, labelsField, goldField, goldType, idField);
        return new Task(name, RequestType.LOGLIKELIHOOD,
                new MultipleChoiceJsonlSource(paths.resolve("path", path), prompt, fields),
                new MultipleChoiceScorer());
    }
}
