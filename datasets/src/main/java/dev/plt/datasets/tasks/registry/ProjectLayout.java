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

    /** Where the built-in task files are on the classpath. */
    public static final String BUILT_IN_TASKS = "dev/plt/tasks";

    /**
     * The built-in task files (conf/tasks, copied into the jar by the build) as a directory: of the
     * classpath's directory, or of the jar's file system.
     */
    public static Path builtInTasks() {
        java.net.URL url = ProjectLayout.class.getClassLoader().getResource(BUILT_IN_TASKS);
        if (url == null) {
            throw new IllegalStateException("no built-in task files (" + BUILT_IN_TASKS + ") on the classpath");
        }
        try {
            java.net.URI uri = url.toURI();
            if (!uri.getScheme().equals("jar")) {
                return Path.of(uri);
            }
            try {
                return java.nio.file.FileSystems.getFileSystem(uri).provider().getPath(uri);
            } catch (java.nio.file.FileSystemNotFoundException notOpenYet) {
                return java.nio.file.FileSystems.newFileSystem(uri, java.util.Map.of()).provider().getPath(uri);
            }
        } catch (java.net.URISyntaxException | java.io.IOException e) {
            throw new IllegalStateException("cannot read the built-in task files at " + url + ": " + e.getMessage(), e);
        }
    }

    /** {@code ../shared/datasets} relative to the project root (it may not exist). */
    public static Path defaultDatasetsRoot(Path projectRoot) {
        return projectRoot.toAbsolutePath().resolve("../shared/datasets").normalize();
    }
}
