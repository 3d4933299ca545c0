package dev.plt.datasets.tasks.metrics;

import java.util.List;

/**
 * A group of a task's subtasks, as lm-eval's group configs: its members are subjects of the task or groups
 * listed before it; metrics are aggregated weighted by size ({@code weight_by_size: true}).
 */
public record TaskGroup(String name, List<String> members) implements java.io.Serializable {

    public TaskGroup {
        members = List.copyOf(members);
    }
}
