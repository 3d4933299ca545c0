package dev.plt.datasets.tasks.registry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the project's task files and the shared datasets are. The project root is the nearest directory
 * at or above a start directory that has {@code conf/tasks}; a module's tests start from the module
 * directory, a command line from wherever it runs.
 */
public final class ProjectLayout {
    public static final String TASKS_DIR = "conf/tasks";

    private ProjectLayout() {
    }

    /** The project root at or above {@code start}, if any. */
    public static Optional<Path> findRoot(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(TASKS_DIR))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    /** The project root above the working directory. */
    public static Path root() {
        Path cwd = Path.of(System.getProperty("user.dir"));
        return findRoot(cwd).orElseThrow(() -> new IllegalStateException(
                "no " + TASKS_DIR + " directory at or above " + cwd));
    }

    /** {@code ../shared/datasets} relative to the project root (it may not exist). */
    public static Path defaultDatasetsRoot(Path projectRoot) {
        return projectRoot.toAbsolutePath().resolve("../shared/datasets").normalize();
    }
}
