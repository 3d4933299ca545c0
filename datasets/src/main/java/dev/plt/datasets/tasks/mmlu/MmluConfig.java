package dev.plt.datasets.tasks.mmlu;

import dev.plt.datasets.tasks.RequestType;
import dev.plt.datasets.tasks.Task;
import dev.plt.datasets.tasks.config.Accepts;
import dev.plt.datasets.tasks.config.DataPaths;
import dev.plt.datasets.tasks.config.TaskConfig;
import dev.plt.datasets.tasks.scoring.MultipleChoiceScorer;
import java.util.List;

/**
 * Options of kind {@code mmlu} (defaults in brackets): {@code data_dir} [mmlu], {@code split} [test],
 * {@code fewshot_split} [dev], {@code num_fewshot} [0, as lm-eval's {@code mmlu}], {@code subjects} [all].
 */
public record MmluConfig(String dataDir, String split, String fewshotSplit, @Accepts(min = 0) Integer numFewshot,
        List<String> subjects) implements TaskConfig {

    public MmluConfig {
        dataDir = dataDir == null ? "mmlu" : dataDir;
        split = split == null ? "test" : split;
        fewshotSplit = fewshotSplit == null ? "dev" : fewshotSplit;
        numFewshot = numFewshot == null ? 0 : numFewshot;
        subjects = subjects == null ? List.of() : List.copyOf(subjects);
    }

    @Override
    public Task toTask(String name, DataPaths paths) {
        return new Task(name, RequestType.LOGLIKELIHOOD,
                new MmluSource(paths.resolve("data_dir", dataDir), split, fewshotSplit, numFewshot, subjects),
                new MultipleChoiceScorer());
    }
}
