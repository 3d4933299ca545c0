package dev.plt.datasets.tasks;

import java.io.Serializable;
import java.util.List;

/**
 * Where a task's samples come from: files read, or problems generated. Called on the driver; it holds
 * only its settings (paths as strings), so a task stays small when Spark ships it to executors.
 */
public interface SampleSource extends Serializable {

    /** Every sample of the evaluation split, in a stable order. */
    List<Sample> load();

    /**
     * The groups lm-eval reports for this task's subjects (MMLU's categories and {@code mmlu}), members before
     * the groups that hold them; empty for tasks without subjects.
     */
    default List<dev.plt.datasets.tasks.metrics.TaskGroup> groups() {
        return List.of();
    }

    /** lm-eval's version of the task definition this source follows ({@code metadata.version}), or null. */
    default Number lmEvalVersion() {
        return null;
    }
}
