package dev.plt.datasets.tasks.config;

import dev.plt.datasets.tasks.Task;

/**
 * The options of one task kind, bound from a task file (snake_case keys) plus overrides. Options a file
 * leaves out take the defaults each implementation documents.
 */
public interface TaskConfig {

    Task toTask(String name, DataPaths paths);
}
