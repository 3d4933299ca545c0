package dev.plt.datasets.tasks.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.plt.datasets.tasks.Task;
import dev.plt.datasets.tasks.chase.ChaseConfig;
import dev.plt.datasets.tasks.config.Accepts;
import dev.plt.datasets.tasks.config.DataPaths;
import dev.plt.datasets.tasks.config.TaskConfig;
import dev.plt.datasets.tasks.gsm8k.Gsm8kConfig;
import dev.plt.datasets.tasks.mc.MultipleChoiceJsonlConfig;
import dev.plt.datasets.tasks.mmlu.MmluCategories;
import dev.plt.datasets.tasks.mmlu.MmluConfig;
import dev.plt.datasets.tasks.multihop.MultihopConfig;
import dev.plt.datasets.tasks.perplexity.PerplexityConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Task name to {@link Task}, from the task files in {@code conf/tasks/*.yaml}. A file is
 * <pre>
 *   task: mmlu            # the name (default: the file name without .yaml)
 *   kind: mmlu            # which implementation: mmlu, gsm8k, multiple_choice_jsonl, perplexity, multihop, chase
 *   description: ...      # optional, for people
 *   num_fewshot: 5        # the kind's options (snake_case); see its *Config record for the list
 * </pre>
 * Several files may share a kind (an ARC file and a HellaSwag file are both {@code multiple_choice_jsonl}).
 * Overrides given to {@link #create(String, Map)} replace file options; an unknown option or task is an
 * error that lists the valid ones, and a bad value one that names the option and what it accepts
 * ({@link Accepts}).
 */
public final class TaskRegistry {
    /** A task kind: its options record, and the option naming its evaluation data (null: generated). */
    private record Kind(Class<? extends TaskConfig> config, String dataOption) {
    }

    private static final Map<String, Kind> KINDS = Map.of(
            "mmlu", new Kind(MmluConfig.class, "data_dir"),
            "gsm8k", new Kind(Gsm8kConfig.class, "eval_file"),
            "multiple_choice_jsonl", new Kind(MultipleChoiceJsonlConfig.class, "path"),
            "perplexity", new Kind(PerplexityConfig.class, "path"),
            "multihop", new Kind(MultihopConfig.class, null),
            "chase", new Kind(ChaseConfig.class, null));

    private static final ObjectMapper YAML = new YAMLMapper();
    private static final ObjectMapper BINDER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT); // num_fewshot: 2.5 is an error, not 2

    static {
        // num_fewshot= (empty) is an error, not the default.
        BINDER.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    }

    private record Definition(String name, String kind, Path file, Map<String, Object> options) {
    }

    private final Map<String, Definition> definitions;
    private final DataPaths paths;

    private TaskRegistry(Map<String, Definition> definitions, DataPaths paths) {
        this.definitions = definitions;
        this.paths = paths;
    }

    /** The project's task files, with datasets under {@code ../shared/datasets} next to the project. */
    public static TaskRegistry forProject(Path projectRoot) {
        return load(projectRoot.resolve(ProjectLayout.TASKS_DIR), ProjectLayout.defaultDatasetsRoot(projectRoot));
    }

    /**
     * The task files shipped inside the jar (a copy of conf/tasks made by the build), for a job run from the
     * jar alone (spark-submit); relative data paths resolve against {@code datasetsRoot}.
     */
    public static TaskRegistry builtIn(Path datasetsRoot) {
        return load(ProjectLayout.builtInTasks(), datasetsRoot);
    }

    /** Every {@code *.yaml} in {@code tasksDir}; relative data paths resolve against {@code datasetsRoot}. */
    public static TaskRegistry load(Path tasksDir, Path datasetsRoot) {
        Map<String, Definition> definitions = new TreeMap<>();
        try (Stream<Path> files = Files.list(tasksDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList()) {
                Definition d = read(file);
                Definition clash = definitions.put(d.name(), d);
                if (clash != null) {
                    throw new IllegalArgumentException("task '" + d.name() + "' is defined twice: " + clash.file()
                            + " and " + file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list task files in " + tasksDir, e);
        }
        return new TaskRegistry(definitions, new DataPaths(datasetsRoot.toAbsolutePath().normalize()));
    }

    /** Known task names, sorted. */
    public List<String> names() {
        return List.copyOf(definitions.keySet());
    }

    public Path datasetsRoot() {
        return paths.datasetsRoot();
    }

    /** The same task files with another datasets root. */
    public TaskRegistry withDatasetsRoot(Path datasetsRoot) {
        return new TaskRegistry(definitions, new DataPaths(datasetsRoot.toAbsolutePath().normalize()));
    }

    /**
     * The option that points a task at its evaluation data ({@code data_dir}, {@code eval_file} or
     * {@code path}), for a command line's {@code --data}; empty for generated tasks (multihop).
     */
    public Optional<String> dataOption(String name) {
        String defined = groupNames().contains(name) ? "mmlu" : name;
        return Optional.ofNullable(KINDS.get(definition(defined).kind()).dataOption());
    }

    public Task create(String name) {
        return create(name, Map.of());
    }

    /**
     * Builds a task, its file's options replaced by {@code overrides} (snake_case keys; values as YAML
     * would give them, strings are converted where a number is expected).
     *
     * @throws IllegalArgumentException for an unknown task or option, or an invalid value
     */
    public Task create(String name, Map<String, ?> overrides) {
        Optional<Task> group = group(name, overrides);
        if (group.isPresent()) {
            return group.get();
        }
        Definition d = definition(name);
        Map<String, Object> options = new LinkedHashMap<>(d.options());
        options.putAll(overrides);
        Class<? extends TaskConfig> type = KINDS.get(d.kind()).config();
        TaskConfig config;
        try {
            config = BINDER.convertValue(options, type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("task '" + name + "' (" + d.file() + "): " + describe(e, type, options), e);
        }
        try {
            TaskOptions.check(config);
            return config.toTask(name, paths);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("task '" + name + "' (" + d.file() + "): " + e.getMessage(), e);
        }
    }

    /**
     * lm-eval's MMLU category groups as task names: {@code mmlu_stem}, {@code mmlu_other},
     * {@code mmlu_social_sciences}, {@code mmlu_humanities} are the task {@code mmlu} on that category's subjects
     * (a {@code subjects} override is an error: the group names them), under the group's name.
     */
    private Optional<Task> group(String name, Map<String, ?> overrides) {
        if (definitions.containsKey(name) || !name.startsWith("mmlu_") || !definitions.containsKey("mmlu")
                || !"mmlu".equals(definitions.get("mmlu").kind())) {
            return Optional.empty();
        }
        List<String> subjects = MmluCategories.BY_CATEGORY.get(name.substring("mmlu_".length()));
        if (subjects == null) {
            return Optional.empty();
        }
        if (overrides.containsKey("subjects")) {
            throw new IllegalArgumentException("task '" + name + "' is a group of MMLU subjects: it takes no subjects "
                    + "option");
        }
        Map<String, Object> withSubjects = new LinkedHashMap<>(overrides);
        withSubjects.put("subjects", subjects);
        Task mmlu = create("mmlu", withSubjects);
        return Optional.of(new Task(name, mmlu.requestType(), mmlu.source(), mmlu.scorer()));
    }

    /** The MMLU category groups {@link #create} accepts as task names (empty without an mmlu task). */
    public List<String> groupNames() {
        if (!definitions.containsKey("mmlu") || !"mmlu".equals(definitions.get("mmlu").kind())) {
            return List.of();
        }
        return MmluCategories.CATEGORIES.stream().map(c -> "mmlu_" + c).toList();
    }

    private Definition definition(String name) {
        Definition d = definitions.get(name);
        if (d == null) {
            throw new IllegalArgumentException("unknown task '" + name + "'; known tasks: " + String.join(", ", names()));
        }
        return d;
    }

    private static Definition read(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readAllBytes(file)); // a file, or an entry of the jar (built-in tasks)
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read task file " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("task file " + file + " must be a YAML mapping");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> options = new LinkedHashMap<>(YAML.convertValue(root, Map.class));
        String stem = file.getFileName().toString().replaceFirst("\\.yaml$", "");
        String name = String.valueOf(options.getOrDefault("task", stem));
        Object kind = options.remove("kind");
        options.remove("task");
        options.remove("description");
        if (kind == null || !KINDS.containsKey(kind.toString())) {
            throw new IllegalArgumentException("task file " + file + ": kind must be one of "
                    + new TreeMap<>(KINDS).keySet() + ", got " + kind);
        }
        return new Definition(name, kind.toString(), file, options);
    }

    /**
     * For an unknown option the list of the kind's options; for a value of the wrong type the option, the
     * value and what the option accepts; else Jackson's message.
     */
    private static String describe(IllegalArgumentException e, Class<?> type, Map<String, Object> options) {
        if (e.getCause() instanceof UnrecognizedPropertyException u) {
            return "unknown option '" + u.getPropertyName() + "'; options: " + optionNames(type);
        }
        if (e.getCause() instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            String option = m.getPath().get(0).getFieldName();
            Optional<RecordComponent> component = TaskOptions.named(type, option);
            if (component.isPresent()) {
                return TaskOptions.badValue(component.get(), options.get(option));
            }
        }
        if (e.getCause() instanceof JsonProcessingException j) {
            return j.getOriginalMessage();
        }
        return e.getMessage();
    }

    private static String optionNames(Class<?> type) {
        return Arrays.stream(type.getRecordComponents())
                .map(RecordComponent::getName)
                .map(n -> PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(n))
                .collect(Collectors.joining(", "));
    }
}
