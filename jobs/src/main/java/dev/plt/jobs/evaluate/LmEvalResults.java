package dev.plt.jobs.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.plt.datasets.tasks.GenerateUntilRequest;
import dev.plt.datasets.tasks.LmEvalKey;
import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.Task;
import dev.plt.datasets.tasks.metrics.Aggregation;
import dev.plt.datasets.tasks.metrics.GroupAggregation;
import dev.plt.datasets.tasks.metrics.MetricResult;
import dev.plt.datasets.tasks.metrics.TaskGroup;
import dev.plt.datasets.tasks.scoring.ExactMatchScorer;
import dev.plt.datasets.tasks.scoring.RegexFilter;
import dev.plt.jobs.output.OutputLocation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * lm-evaluation-harness's output files beside plt's own: {@code results_<timestamp>.json} and one
 * {@code samples_<task>_<timestamp>.jsonl} per task ({@link LmEvalSamples}), for tools and people that
 * read lm-eval's files. The timestamp is lm-eval's: local time, {@code datetime.isoformat()} with ':'
 * replaced by '-' ({@code 2025-06-01T14-03-59.123456}); the results file is {@code json.dumps(indent=2,
 * ensure_ascii=False)} text ({@link PythonJson}).
 *
 * <p><b>Source.</b> The fields follow EleutherAI/lm-evaluation-harness's own writers, read at these
 * commits: {@code lm_eval/evaluator.py} @ 5b321a1ad92f126671533121783340dc59e1b173 ({@code simple_evaluate}'s
 * {@code config}, {@code git_hash}, {@code date}; {@code evaluate}'s results dict and each logged sample with
 * {@code doc_hash}, {@code prompt_hash}, {@code target_hash}); {@code lm_eval/evaluator_utils.py} @
 * 0064c3a03e5fe863a1ffde689bdb216c97d8c5f1 (release 0.4.9.1: {@code consolidate_results},
 * {@code prepare_print_tasks}: aliases, {@code "metric,filter"} keys, {@code "N/A"} stderrs);
 * {@code lm_eval/loggers/evaluation_tracker.py} @ da2119697bd3b16e707f71d0886aed2cf5b0cd40
 * ({@code task_hashes}, the general config tracker's fields, file names, the samples file's
 * {@code gen_args_i}/{@code arg_j} arguments and {@code sanitize_list}ed responses);
 * {@code lm_eval/utils.py} @ f615a1dce1b3c85c1067d62db2c187a605f020a1 ({@code hash_string} = SHA-256 hex);
 * {@code lm_eval/loggers/utils.py} @ 2300cd10dc17c7ebaefa887c864ece7a4361a22f ({@code add_env_info},
 * {@code add_tokenizer_info}). The per-sample {@code filter} and {@code metrics} keys are those of later
 * 0.4 releases.
 *
 * <p><b>Mapping.</b> A task whose samples all have a subject (MMLU's subjects, multihop's depths) is
 * written as lm-eval writes a group: {@code results} has the task (all samples, plt's overall numbers) and
 * one subtask {@code <task>_<subject>} per subject (alias {@code " - <subject>"}), {@code groups} the task,
 * {@code group_subtasks} the task's subtasks, and each subtask gets its own config, {@code n-samples},
 * task hash and samples file. Any other task is one standalone task ({@code group_subtasks}:
 * {@code {task: []}}). Each metric is keyed by lm-eval's metric and filter name ({@link LmEvalKey}):
 * {@code acc,none}, {@code acc_stderr,none} for tasks without filters; GSM8K's plt metrics
 * {@code exact_match_strict} and {@code exact_match_flexible} are lm-eval's {@code exact_match,strict-match}
 * and {@code exact_match,flexible-extract} (with {@code exact_match_stderr,strict-match}, ...), and its config
 * carries lm-eval's {@code filter_list} and exact_match options. The values are those of {@code metrics.json},
 * bit for bit.
 *
 * <p><b>What differs.</b> {@code versions}: the lm-eval version of the task definition plt follows
 * ({@link dev.plt.datasets.tasks.SampleSource#lmEvalVersion()}: gsm8k 3.0), null for the others.
 * Stderrs are lm-eval's {@code mean_stderr} for means over at least two samples, else {@code "N/A"}
 * (the perplexities: lm-eval bootstraps them, plt does not); MMLU's group entry has lm-eval's size-weighted
 * mean and pooled stderr (over its four categories, {@link #groupMetrics}), but the categories themselves are
 * not written (its {@code group_subtasks} are the subjects); another task with subjects (multihop) reports
 * the micro average and the stderr over all its samples. {@code config.bootstrap_iters} and the Python/numpy/torch
 * seeds are null (no bootstrap, nothing random; {@code fewshot_seed} is the task's when it has one).
 * {@code config.model} is {@code "plt"}, {@code model_sha} the model directory's content fingerprint
 * (where lm-eval's Hugging Face model has its revision's commit). A sample that failed counts in
 * {@code n-samples} but has no metric values; its metrics leave it out, as {@code metrics.json}'s do.
 * Not written: {@code transformers_version}, {@code lm_eval_version}, {@code upper_git_hash} (no such
 * thing here) and the tokenizer's pad and BOS tokens (plt's tokenizers name only end-of-text).
 */
public final class LmEvalResults {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss");
    private static final ObjectMapper OPTIONS = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private LmEvalResults() {
    }

    /** One task as lm-eval lists it: a standalone task, or a subject's subtask of a group. */
    record Leaf(String name, String subject, List<SampleOutcome> outcomes, Map<String, MetricResult> metrics,
            int original) {
    }

    /**
     * Writes {@code results_<timestamp>.json} and the samples files into {@code dir}, each through
     * {@link OutputLocation#writeAtomically}; returns their names, the results file first.
     */
    public static List<String> write(OutputLocation dir, EvaluationResult result, LmEvalRun run) {
        String stamp = timestamp(run.finished(), ZoneId.systemDefault());
        List<Leaf> leaves = leaves(result, run);
        List<String> written = new ArrayList<>();
        String resultsFile = "results_" + stamp + ".json";
        written.add(resultsFile);
        Map<String, String> taskHashes = new LinkedHashMap<>();
        List<byte[]> samplesBytes = new ArrayList<>();
        for (Leaf leaf : leaves) {
            List<Map<String, Object>> lines = LmEvalSamples.lines(run.task(), leaf.outcomes());
            taskHashes.put(leaf.name(), LmEvalSamples.taskHash(lines));
            samplesBytes.add(LmEvalSamples.jsonl(lines));
            written.add("samples_" + fileSafe(leaf.name()) + "_" + stamp + ".jsonl");
        }
        for (int i = 0; i < leaves.size(); i++) {
            dir.child(written.get(i + 1)).writeAtomically(samplesBytes.get(i));
        }
        Map<String, Object> results = results(result, run, leaves, taskHashes);
        dir.child(resultsFile).writeAtomically(PythonJson.dumps(results, 2).getBytes(StandardCharsets.UTF_8));
        return written;
    }

    /** lm-eval's file timestamp: {@code datetime.now().isoformat().replace(":", "-")} at {@code at}. */
    static String timestamp(Instant at, ZoneId zone) {
        LocalDateTime local = LocalDateTime.ofInstant(at.truncatedTo(ChronoUnit.MICROS), zone);
        String stamp = STAMP.format(local);
        int micros = local.getNano() / 1000;
        return micros == 0 ? stamp : stamp + String.format(".%06d", micros);
    }

    /** A task name as a file name part: characters other than letters, digits, '.', '-' and '_' become '_'. */
    public static String fileSafe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** lm-eval's {@code sanitize_model_name}: runs of {@code "<>:/|\?*[]} become {@code __}. */
    static String sanitizeModelName(String name) {
        return name.replaceAll("[\"<>:/|\\\\?*\\[\\]]+", "__");
    }

    static List<Leaf> leaves(EvaluationResult result, LmEvalRun run) {
        String task = result.task();
        List<SampleOutcome> outcomes = result.samples();
        boolean bySubject = !outcomes.isEmpty() && outcomes.stream().allMatch(o -> o.sample().subject() != null);
        if (!bySubject) {
            return List.of(new Leaf(task, null, outcomes, result.metrics().metrics(), run.allSamples().size()));
        }
        Map<String, List<SampleOutcome>> subjects = new TreeMap<>();
        outcomes.forEach(o -> subjects.computeIfAbsent(o.sample().subject(), s -> new ArrayList<>()).add(o));
        Map<String, Integer> original = new TreeMap<>();
        for (Sample s : run.allSamples()) {
            original.merge(String.valueOf(s.subject()), 1, Integer::sum);
        }
        List<Leaf> leaves = new ArrayList<>();
        subjects.forEach((subject, list) -> leaves.add(new Leaf(task + "_" + subject, subject, list,
                result.metrics().bySubject().getOrDefault(subject, Map.of()),
                original.getOrDefault(subject, list.size()))));
        return leaves;
    }

    static Map<String, Object> results(EvaluationResult result, LmEvalRun run, List<Leaf> leaves,
            Map<String, String> taskHashes) {
        Task task = run.task();
        String name = result.task();
        boolean group = leaves.get(0).subject() != null;
        Map<String, Object> options = options(task);
        int numFewshot = options.get("num_fewshot") instanceof Number n ? n.intValue() : 0;
        Map<String, Object> higherIsBetter = higherIsBetter(task);

        Map<String, Object> results = new LinkedHashMap<>();
        Map<String, Object> groups = new LinkedHashMap<>();
        if (group) {
            Map<String, Object> entry = entry(task, name, groupMetrics(task, result));
            results.put(name, entry);
            groups.put(name, entry);
        }
        for (Leaf leaf : leaves) {
            results.put(leaf.name(), entry(task, group ? " - " + leaf.subject() : leaf.name(), leaf.metrics()));
        }
        Map<String, Object> groupSubtasks = new LinkedHashMap<>();
        groupSubtasks.put(name, group ? leaves.stream().map(Leaf::name).toList() : List.of());
        Map<String, Object> configs = new TreeMap<>();
        Map<String, Object> versions = new TreeMap<>();
        Map<String, Object> nShot = new TreeMap<>();
        Map<String, Object> hib = new TreeMap<>();
        Map<String, Object> nSamples = new LinkedHashMap<>();
        for (Leaf leaf : leaves) {
            configs.put(leaf.name(), config(task, leaf, numFewshot, options));
            versions.put(leaf.name(), task.source().lmEvalVersion());
            nShot.put(leaf.name(), numFewshot);
            hib.put(leaf.name(), higherIsBetter);
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("original", leaf.original());
            counts.put("effective", leaf.outcomes().size());
            nSamples.put(leaf.name(), counts);
        }
        if (group) {
            versions.put(name, null);
            nShot.put(name, numFewshot);
            hib.put(name, higherIsBetter);
        }

        Map<String, Object> root = new LinkedHashMap<>();
        root.put("results", results);
        if (group) {
            root.put("groups", groups);
        }
        root.put("group_subtasks", groupSubtasks);
        root.put("configs", configs);
        root.put("versions", versions);
        root.put("n-shot", nShot);
        root.put("higher_is_better", hib);
        root.put("n-samples", nSamples);
        root.put("config", runConfig(run, options));
        root.put("git_hash", BuildInfo.gitHash());
        root.put("date", seconds(run.started()));
        root.put("pretty_env_info", run.environment());
        if (run.endOfTextId() != null) {
            root.put("tokenizer_eos_token", List.of("<|endoftext|>", run.endOfTextId().toString()));
        }
        root.put("eot_token_id", run.endOfTextId());
        root.put("max_length", run.maxLength());
        root.put("task_hashes", taskHashes);
        // lm-eval's GeneralConfigTracker, as asdict() adds it.
        String model = run.modelDir().toString();
        root.put("model_source", "plt");
        root.put("model_name", model);
        root.put("model_name_sanitized", sanitizeModelName(model));
        root.put("system_instruction", null);
        root.put("system_instruction_sha", null);
        root.put("fewshot_as_multiturn", false);
        root.put("chat_template", null);
        root.put("chat_template_sha", null);
        root.put("start_time", seconds(run.started()));
        root.put("end_time", seconds(run.finished()));
        root.put("total_evaluation_time_seconds", PythonJson.repr(seconds(run.finished()) - seconds(run.started())));
        return root;
    }

    /**
     * The group entry's metrics: for a task whose subjects lm-eval groups (MMLU), the outermost group's
     * size-weighted means with lm-eval's pooled stderr ({@link GroupAggregation}), else (and for the metrics
     * groups do not aggregate) the micro average over all samples.
     */
    static Map<String, MetricResult> groupMetrics(Task task, EvaluationResult result) {
        Map<String, MetricResult> metrics = new LinkedHashMap<>(result.metrics().metrics());
        List<TaskGroup> groups = task.source().groups();
        if (!groups.isEmpty()) {
            Map<String, MetricResult> root = GroupAggregation.aggregate(result.metrics(), task.metrics(), groups)
                    .get(groups.get(groups.size() - 1).name());
            if (root != null) {
                metrics.putAll(root);
            }
        }
        return metrics;
    }

    /** One {@code results} entry: alias, then each metric and its stderr under {@code "metric,filter"} keys. */
    static Map<String, Object> entry(Task task, String alias, Map<String, MetricResult> metrics) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("alias", alias);
        for (String metric : task.metrics().keySet()) {
            MetricResult m = metrics.get(metric);
            if (m == null || m.count() == 0) {
                continue; // no sample was scored: there is no value to report
            }
            LmEvalKey key = task.scorer().lmEvalKey(metric);
            entry.put(key.key(), m.value());
            Object stderr = Double.isFinite(m.stderr()) ? (Object) m.stderr() : "N/A";
            entry.put(key.stderrKey(), stderr);
        }
        return entry;
    }

    /** lm-eval's per-task {@code configs} entry (its TaskConfig's fields), for the fields plt's tasks have. */
    static Map<String, Object> config(Task task, Leaf leaf, int numFewshot, Map<String, Object> options) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("task", leaf.name());
        if (leaf.subject() != null) {
            config.put("task_alias", leaf.subject());
        }
        config.put("output_type", outputType(task, leaf.outcomes()));
        config.put("repeats", 1);
        config.put("num_fewshot", numFewshot);
        Map<String, Map<String, Object>> metricList = new LinkedHashMap<>();
        task.metrics().forEach((metric, aggregation) -> {
            String name = task.scorer().lmEvalKey(metric).metric(); // one entry for all filters, as lm-eval's
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("metric", name);
            m.put("aggregation", aggregationName(aggregation));
            m.put("higher_is_better", higherIsBetter(aggregation));
            if (task.scorer() instanceof ExactMatchScorer em) {
                m.put("ignore_case", em.match().ignoreCase());
                m.put("ignore_punctuation", em.match().ignorePunctuation());
                m.put("regexes_to_ignore", em.match().regexesToIgnore());
            }
            metricList.putIfAbsent(name, m);
        });
        config.put("metric_list", new ArrayList<>(metricList.values()));
        if (!leaf.outcomes().isEmpty()
                && leaf.outcomes().get(0).sample().requests().get(0) instanceof GenerateUntilRequest g) {
            config.put("generation_kwargs", LmEvalSamples.generationKwargs(g));
        }
        if (task.scorer() instanceof ExactMatchScorer em) {
            config.put("filter_list", filterList(em.regexFilters()));
        }
        config.put("should_decontaminate", false);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("plt_source", task.source().getClass().getSimpleName());
        metadata.put("plt_options", options);
        config.put("metadata", metadata);
        return config;
    }

    /** lm-eval's {@code filter_list}: per filter, its regex step then take_first. */
    static List<Object> filterList(List<RegexFilter> filters) {
        List<Object> list = new ArrayList<>();
        for (RegexFilter f : filters) {
            Map<String, Object> regex = new LinkedHashMap<>();
            regex.put("function", "regex");
            if (f.groupSelect() != 0) {
                regex.put("group_select", f.groupSelect());
            }
            regex.put("regex_pattern", f.regex());
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", f.name());
            entry.put("filter", List.of(regex, Map.of("function", "take_first")));
            list.add(entry);
        }
        return list;
    }

    /** {@code config}: how the run was made, as {@code simple_evaluate} records it. */
    static Map<String, Object> runConfig(LmEvalRun run, Map<String, Object> options) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("model", "plt");
        config.put("model_args", run.modelArgsString());
        config.put("model_sha", run.modelFingerprint());
        config.put("batch_size", run.batchSize());
        config.put("batch_sizes", List.of());
        config.put("device", run.device());
        config.put("use_cache", null);
        config.put("limit", run.limit());
        config.put("bootstrap_iters", null);
        config.put("gen_kwargs", null);
        config.put("random_seed", null);
        config.put("numpy_seed", null);
        config.put("torch_seed", null);
        config.put("fewshot_seed", options.get("fewshot_seed") instanceof Number n ? n.longValue() : null);
        return config;
    }

    /** The task's effective options: its sample source's fields in snake_case (paths resolved). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> options(Task task) {
        try {
            Map<String, Object> options = OPTIONS.convertValue(task.source(), LinkedHashMap.class);
            return options == null ? new LinkedHashMap<>() : options;
        } catch (IllegalArgumentException e) {
            Map<String, Object> fallback = new LinkedHashMap<>();
            fallback.put("source", Objects.toString(task.source()));
            return fallback;
        }
    }

    static String outputType(Task task, List<SampleOutcome> outcomes) {
        return switch (task.requestType()) {
            case LOGLIKELIHOOD -> outcomes.stream().allMatch(o -> !o.sample().choices().isEmpty())
                    ? "multiple_choice" : "loglikelihood";
            case GENERATE_UNTIL -> "generate_until";
            case LOGLIKELIHOOD_ROLLING -> "loglikelihood_rolling";
        };
    }

    /** Per lm-eval metric name (one for all its filters). */
    static Map<String, Object> higherIsBetter(Task task) {
        Map<String, Object> out = new LinkedHashMap<>();
        task.metrics().forEach((metric, aggregation) ->
                out.putIfAbsent(task.scorer().lmEvalKey(metric).metric(), higherIsBetter(aggregation)));
        return out;
    }

    /** Means here are accuracies (exact match included); perplexities and bits per byte are better lower. */
    static boolean higherIsBetter(Aggregation aggregation) {
        return aggregation == Aggregation.MEAN;
    }

    /** lm-eval's aggregation function names. */
    static String aggregationName(Aggregation aggregation) {
        return switch (aggregation) {
            case MEAN -> "mean";
            case PERPLEXITY -> "weighted_perplexity";
            case BITS_PER_BYTE -> "bits_per_byte";
        };
    }

    /** Python's {@code time.time()} of an instant: seconds since the epoch, as a float. */
    static double seconds(Instant at) {
        return at.getEpochSecond() + at.getNano() / 1e9;
    }
}
