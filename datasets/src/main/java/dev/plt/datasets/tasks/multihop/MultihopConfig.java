package dev.plt.datasets.tasks.multihop;

import dev.plt.datasets.tasks.RequestType;
import dev.plt.datasets.tasks.Task;
import dev.plt.datasets.tasks.config.Accepts;
import dev.plt.datasets.tasks.config.DataPaths;
import dev.plt.datasets.tasks.config.TaskConfig;
import dev.plt.datasets.tasks.scoring.MultipleChoiceScorer;
import java.util.List;

/**
 * Options of kind {@code multihop} (defaults in brackets): {@code seed} [1], {@code split} [test],
 * {@code n} [200 per depth], {@code hops} [[1, 2, 3, 4]], {@code chains} [4]. No files: the problems
 * are generated (see {@link MultihopGenerator}).
 */
public record MultihopConfig(Long seed, @Accepts(oneOf = {"train", "validation", "test"}) String split,
        @Accepts(min = 0) Integer n, @Accepts(min = 1) List<Integer> hops, @Accepts(min = 1, max = 10) Integer chains)
        implements TaskConfig {

    public MultihopConfig {
        seed = seed == null ? 1L : seed;
        split = split == null ? "test" : split;
        n = n == null ? 200 : n;
        hops = hops == null ? List.of(1, 2, 3, 4) : List.copyOf(hops);
        chains = chains == null ? 4 : chains;
    }

    @Override
    public Task toTask(String name, DataPaths paths) {
        return new Task(name, RequestType.LOGLIKELIHOOD, new MultihopSource(seed, split, n, hops, chains),
                new MultipleChoiceScorer());
    }
}
