package dev.plt.datasets.tasks.perplexity;

import dev.plt.datasets.tasks.RequestType;
import dev.plt.datasets.tasks.Task;
import dev.plt.datasets.tasks.config.Accepts;
import dev.plt.datasets.tasks.config.DataPaths;
import dev.plt.datasets.tasks.config.TaskConfig;
import dev.plt.datasets.tasks.scoring.PerplexityScorer;

/**
 * Options of kind {@code perplexity} (defaults in brackets): {@code path} [tinyshakespeare/input.txt],
 * {@code documents} [chunks] (whole, blank_lines or chunks), {@code chunk_chars} [2048],
 * {@code tail_fraction} [0: the whole file] (score only the last fraction of the file's bytes, e.g. 0.05
 * for the tail the trainer held out with {@code val_fraction: 0.05}).
 */
public record PerplexityConfig(String path, @Accepts(oneOf = {"whole", "blank_lines", "chunks"}) String documents,
        @Accepts(min = 1) Integer chunkChars, Double tailFraction) implements TaskConfig {

    public PerplexityConfig {
        path = path == null ? "tinyshakespeare/input.txt" : path;
        documents = documents == null ? "chunks" : documents;
        chunkChars = chunkChars == null ? 2048 : chunkChars;
        tailFraction = tailFraction == null ? 0.0 : tailFraction;
        if (!(tailFraction >= 0 && tailFraction < 1)) {
            throw new IllegalArgumentException("option tail_fraction=" + tailFraction
                    + ": expected a fraction in [0, 1) (0 scores the whole file)");
        }
    }

    @Override
    public Task toTask(String name, DataPaths paths) {
        return new Task(name, RequestType.LOGLIKELIHOOD_ROLLING,
                new PerplexitySource(paths.resolve("path", path), documents, chunkChars, tailFraction),
                new PerplexityScorer());
    }
}
