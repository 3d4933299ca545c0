package dev.plt.datasets;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.plt.datasets.tasks.registry.ProjectLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds {@code ../shared/datasets} next to the project for tests that use real data, and skips them
 * with a message where it is absent (the project must build and test without it).
 */
public final class SharedDatasets {
    private SharedDatasets() {
    }

    /** The datasets root, if present: next to the project root found above the working directory. */
    public static Optional<Path> root() {
        Path cwd = Path.of(System.getProperty("user.dir"));
        return ProjectLayout.findRoot(cwd)
                .map(ProjectLayout::defaultDatasetsRoot)
                .filter(Files::isDirectory);
    }

    /** {@code relative} under the datasets root; skips the calling test when it is not there. */
    public static Path require(String relative) {
        Optional<Path> root = root();
        assumeTrue(root.isPresent(), "no ../shared/datasets next to the project root (searched from "
                + System.getProperty("user.dir") + "): skipping a test on real data");
        Path path = root.get().resolve(relative);
        assumeTrue(Files.exists(path), path + " not found: skipping a test on real data");
        return path;
    }

    /** The project root (it has conf/tasks); tests always run inside the project. */
    public static Path projectRoot() {
        return ProjectLayout.root();
    }
}
