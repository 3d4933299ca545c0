package dev.plt.jobs.cli;

import dev.plt.datasets.tasks.Task;
import dev.plt.datasets.tasks.registry.ProjectLayout;
import dev.plt.datasets.tasks.registry.TaskRegistry;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options that pick a benchmark task and its data; shared by {@code evaluate} and {@code task-data}. */
public final class TaskSelection {
    @Option(names = "--task", paramLabel = "NAME", description = "Task name (conf/tasks/NAME.yaml), or an MMLU "
            + "category group (mmlu_stem, mmlu_other, mmlu_social_sciences, mmlu_humanities).")
    String taskName;

    @Option(names = "--tasks", split = ",", paramLabel = "NAME[,NAME...]", description = "Several tasks (or groups) "
            + "evaluated in one application, as lm-eval's --tasks; --task-option applies to each.")
    List<String> taskNames;

    @Option(names = "--data", paramLabel = "PATH|URI", description = "The task's data (file or directory) instead of "
            + "its default: a local path, or any Hadoop file system URI (hdfs://, s3a://, ...), copied to the driver.")
    String data;

    @Option(names = "--tasks-dir", paramLabel = "DIR",
            description = "Task files (NAME.yaml) instead of the installation's conf/tasks or the built-in ones.")
    Path tasksDir;

    @Option(names = "--datasets", paramLabel = "DIR|URI", description = "Root of the datasets (a local path or any "
            + "Hadoop URI, copied to the driver). Default: ../shared/datasets beside a checkout, else ./datasets.")
    String datasetsRoot;

    @Option(names = "--task-option", paramLabel = "KEY=VALUE", description = "Override a task setting (repeatable), "
            + "e.g. num_fewshot=0.")
    Map<String, String> taskOptions = new LinkedHashMap<>();

    /** The one task named; an error when none or several are. */
    public String taskName() {
        List<String> names = taskNames();
        if (names.size() != 1) {
            throw new IllegalArgumentException("this command takes one task (--task NAME), got --tasks "
                    + String.join(",", names));
        }
        return names.get(0);
    }

    /** {@code --task NAME} or {@code --tasks a,b,c}, in the order given, without repeats. */
    public List<String> taskNames() {
        if (taskName != null && taskNames != null) {
            throw new IllegalArgumentException("give --task NAME or --tasks NAME,NAME, not both");
        }
        if (taskName == null && (taskNames == null || taskNames.isEmpty())) {
            throw new IllegalArgumentException("missing --task NAME (or --tasks NAME,NAME)");
        }
        List<String> names = taskName != null ? List.of(taskName) : taskNames.stream().map(String::strip).toList();
        if (names.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("--tasks: an empty task name in '" + String.join(",", taskNames) + "'");
        }
        if (new java.util.HashSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException("--tasks names a task twice: " + String.join(",", names));
        }
        return names;
    }

    public Map<String, String> taskOptions() {
        return taskOptions;
    }

    /**
     * The task data given on the command line (--data), which a job's output must stay clear of. The
     * datasets root is not: it holds many tasks' data, and an output beside them removes nothing (an
     * overwrite still replaces only an earlier plt output).
     */
    public java.util.List<Path> dataPaths() {
        if (data == null) {
            return java.util.List.of();
        }
        String scheme = new org.apache.hadoop.fs.Path(data).toUri().getScheme();
        return scheme == null ? java.util.List.of(Path.of(data))
                : scheme.equals("file") ? java.util.List.of(Path.of(java.net.URI.create(data))) : java.util.List.of();
    }

    /**
     * The task from this installation's conf/tasks (a checkout: bin/plt's plt.home, or a directory at or above
     * the working directory), else from the task files inside the jar (spark-submit from anywhere), or from
     * --tasks-dir; with the command line's overrides.
     */
    public Task createTask() {
        return createTask(new org.apache.hadoop.conf.Configuration());
    }

    /** {@link #createTask()} with the Hadoop configuration the job's file systems are opened with. */
    public Task createTask(org.apache.hadoop.conf.Configuration hadoop) {
        return createTask(taskName(), hadoop);
    }

    /** Every task of {@link #taskNames()}; --data only with one task. */
    public List<Task> createTasks(org.apache.hadoop.conf.Configuration hadoop) {
        List<String> names = taskNames();
        if (data != null && names.size() > 1) {
            throw new IllegalArgumentException("--data names one task's data: give it with --task NAME, not --tasks");
        }
        List<Task> tasks = new java.util.ArrayList<>();
        for (String name : names) {
            tasks.add(createTask(name, hadoop));
        }
        return tasks;
    }

    private Task createTask(String taskName, org.apache.hadoop.conf.Configuration hadoop) {
        Optional<Path> root = ProjectLayout.findRoot(Path.of(System.getProperty("plt.home", ".")).toAbsolutePath())
                .or(() -> ProjectLayout.findRoot(Path.of(System.getProperty("user.dir"))));
        Path datasets = datasetsRoot != null ? DriverCopy.local("--datasets", datasetsRoot, hadoop).toAbsolutePath()
                : root.map(ProjectLayout::defaultDatasetsRoot)
                        .orElseGet(() -> Path.of(System.getProperty("user.dir")).resolve("datasets").toAbsolutePath());
        TaskRegistry registry = tasksDir != null ? TaskRegistry.load(tasksDir, datasets)
                : root.map(r -> TaskRegistry.forProject(r)).orElseGet(() -> TaskRegistry.builtIn(datasets));
        Map<String, Object> overrides = new LinkedHashMap<>(taskOptions);
        if (data == null) {
            return registry.create(taskName, overrides);
        }
        String key = registry.dataOption(taskName).orElseThrow(() -> new IllegalArgumentException(
                "--data: task '" + taskName + "' reads no data file (it generates its samples)"));
        overrides.put(key, DriverCopy.local("--data", data, hadoop).toAbsolutePath().toString());
        return registry.create(taskName, overrides);
    }
}
