package dev.plt.datasets.tasks.chase;

import dev.plt.datasets.tasks.RequestType;
import dev.plt.datasets.tasks.Task;
import dev.plt.datasets.tasks.config.Accepts;
import dev.plt.datasets.tasks.config.DataPaths;
import dev.plt.datasets.tasks.config.TaskConfig;
import dev.plt.datasets.tasks.scoring.MultipleChoiceScorer;

/**
 * Options of kind {@code chase} (defaults in brackets): {@code seed} [1], {@code split} [test], {@code n}
 * [256 examples, 8 queries each], {@code order} [qh] (qh or hq: must be the order the model was trained
 * on). No files: the examples are generated (see {@link ChaseGenerator}).
 */
public record ChaseConfig(Long seed, @Accepts(oneOf = {"train", "validation", "test"}) String split,
        @Accepts(min = 0) Integer n, @Accepts(oneOf = {"qh", "hq"}) String order) implements TaskConfig {

    public ChaseConfig {
        seed = seed == null ? 1L : seed;
        split = split == null ? "test" : split;
        n = n == null ? 256 : n;
        order = order == null ? "qh" : order;
    }

    @Override
    public Task toTask(String name, DataPaths paths) {
        return new Task(name, RequestType.LOGLIKELIHOOD, new ChaseSource(seed, split, n, order),
                new MultipleChoiceScorer());
    }
}
