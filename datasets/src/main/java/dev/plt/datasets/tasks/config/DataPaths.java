package dev.plt.datasets.tasks.config;

import java.nio.file.Path;

/**
 * Resolves the data paths of task options. A relative path is relative to the datasets root
 * ({@code ../shared/datasets} next to the project by default), wherever it was written: in a task
 * file or in an override. A command line that takes paths from a user should make them absolute first.
 */
public record DataPaths(Path datasetsRoot) {

    /**
     * @param option the option's name, for the error when it is unset
     * @return the absolute, normalised path, as a string (tasks are serialized; {@code Path} is not)
     */
    public String resolve(String option, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("option '" + option + "' is required (a path, absolute or relative to "
                    + datasetsRoot + ")");
        }
        Path path = Path.of(value);
        return (path.isAbsolute() ? path : datasetsRoot.resolve(path)).toAbsolutePath().normalize().toString();
    }
}
