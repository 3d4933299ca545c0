package dev.plt.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.datasets.tasks.mmlu.MmluCsv;
import dev.plt.datasets.tasks.registry.ProjectLayout;
import dev.plt.jobs.SharedSpark;
import dev.plt.jobs.cli.PltCli;
import dev.plt.jobs.output.ModelFingerprint;
import dev.plt.jobs.output.OutputGuard;
import dev.plt.jobs.output.OutputLocation;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plt evaluate} writes lm-evaluation-harness's {@code results_<timestamp>.json} and
 * {@code samples_<task>_<timestamp>.jsonl} beside metrics.json. Checked field by field against lm-eval's
 * writers (see {@link LmEvalResults} for the commits): every key with its JSON type, {@code "metric,filter"}
 * keys, the hashes (SHA-256 hex of the documented strings, recomputed here), {@code n-samples}, the
 * per-sample answers against the per-sample metrics, and every number against metrics.json.
 * A multiple-choice JSONL task always runs; MMLU ({@code --limit 5}) and GSM8K ({@code --limit 3}) run
 * when the shared datasets are there.
 */
@ExtendWith(SharedSpark.class)
class LmEvalFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern RESULTS = Pattern.compile(
            "results_(\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}(\\.\\d{6})?)\\.json");
    /** lm-eval's "metric,filter" names of plt's metrics that are not "NAME,none" (gsm8k.yaml's two filters). */
    private static final Map<String, String> LM_EVAL_KEYS = Map.of(
            "exact_match_strict", "exact_match,strict-match",
            "exact_match_flexible", "exact_match,flexible-extract");
    /** lm-eval's top-level keys and their JSON types (groups only for a group). */
    private static final Map<String, String> TOP = new java.util.LinkedHashMap<>();

    static {
        TOP.put("results", "object");
        TOP.put("group_subtasks", "object");
        TOP.put("configs", "object");
        TOP.put("versions", "object");
        TOP.put("n-shot", "object");
        TOP.put("higher_is_better", "object");
        TOP.put("n-samples", "object");
        TOP.put("config", "object");
        TOP.put("git_hash", "string|null");
        TOP.put("date", "number");
        TOP.put("task_hashes", "object");
        TOP.put("model_source", "string");
        TOP.put("model_name", "string");
        TOP.put("model_name_sanitized", "string");
        TOP.put("system_instruction", "null");
        TOP.put("system_instruction_sha", "null");
        TOP.put("fewshot_as_multiturn", "boolean");
        TOP.put("chat_template", "null");
        TOP.put("chat_template_sha", "null");
        TOP.put("start_time", "number");
        TOP.put("end_time", "number");
        TOP.put("total_evaluation_time_seconds", "string");
    }

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void model() {
        model = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.Spec.small());
    }

    @Test
    void multipleChoiceJsonl() throws Exception {
        String[] rows = {
            "{\"id\": \"q1\", \"question\": \"Which is a colour?\", \"choices\": {\"text\": [\"red\", \"dog\", \"run\"],"
                + " \"label\": [\"A\", \"B\", \"C\"]}, \"answerKey\": \"A\"}",
            "{\"id\": \"q2\", \"question\": \"Caf\u00e9 \\\"quoted\\\"\\nsecond line?\", \"choices\": {\"text\": "
                + "[\"yes\", \"no\"], \"label\": [\"A\", \"B\"]}, \"answerKey\": \"B\"}",
            // a lone surrogate: this sample fails (invalid_utf8) before the engine sees it
            "{\"id\": \"q3\", \"question\": \"Broken \\ud800 text\", \"choices\": {\"text\": [\"a\", \"b\"],"
                + " \"label\": [\"A\", \"B\"]}, \"answerKey\": \"A\"}",
            "{\"id\": \"q4\", \"question\": \"2 + 2 = ?\", \"choices\": {\"text\": [\"3\", \"4\", \"5\", \"22\"],"
                + " \"label\": [\"A\", \"B\", \"C\", \"D\"]}, \"answerKey\": \"B\"}",
            "{\"id\": \"q5\", \"question\": \"Not evaluated (limit 4)\", \"choices\": {\"text\": [\"a\", \"b\"],"
                + " \"label\": [\"A\", \"B\"]}, \"answerKey\": \"A\"}"};
        Path data = Files.writeString(dir.resolve("mc.jsonl"), String.join("\n", rows) + "\n");
        Path out = evaluate("mc", "--task", "mc_jsonl", "--data", data.toString(), "--limit", "4");

        Run run = check(out, "mc_jsonl", "multiple_choice", 4);
        Leaf leaf = run.leaves.get(0);
        assertEquals(List.of("mc_jsonl"), run.leafNames());
        assertEquals(5, run.results.at("/n-samples/mc_jsonl/original").intValue(), "rows in the file");
        assertEquals(4, run.results.at("/n-samples/mc_jsonl/effective").intValue(), "--limit 4, the failed one too");
        assertEquals(3, run.metrics.get("n").intValue(), "metrics.json counts the scored samples");
        assertEquals(0, run.results.at("/n-shot/mc_jsonl").intValue());
        assertTrue(run.results.at("/group_subtasks/mc_jsonl").isArray()
                && run.results.at("/group_subtasks/mc_jsonl").isEmpty(), "a standalone task has no subtasks");
        assertTrue(!run.results.has("groups"), "no groups for a standalone task");
        // the documents and targets are the file's
        int[] gold = {0, 1, 0, 1};
        String[] questions = {"Which is a colour?", "Caf\u00e9 \"quoted\"\nsecond line?", null, "2 + 2 = ?"};
        for (int i = 0; i < 4; i++) {
            JsonNode line = leaf.lines.get(i);
            assertEquals(gold[i], line.get("target").intValue());
            assertEquals("q" + (i + 1), line.get("sample_id").textValue());
            if (questions[i] != null) {
                assertEquals(questions[i], line.at("/doc/question").textValue());
                assertEquals("Question: " + questions[i] + "\nAnswer:", line.at("/arguments/gen_args_0/arg_0").textValue());
                assertTrue(!line.has("error"));
            }
        }
        assertEquals("invalid_utf8", leaf.lines.get(2).get("error_kind").textValue());
        assertEquals(" yes", leaf.lines.get(1).at("/arguments/gen_args_0/arg_1").textValue());
        assertEquals(" no", leaf.lines.get(1).at("/arguments/gen_args_1/arg_1").textValue());
        assertEquals(4, leaf.lines.get(3).get("arguments").size(), "one request per choice");
    }

    @Test
    void mmluIsZeroShotAndLimitsEachSubject() throws Exception {
        Path datasets = sharedDatasets("mmlu");
        Path out = evaluate("mmlu", "--task", "mmlu", "--datasets", datasets.toString(), "--limit", "2");
        Run run = check(out, "mmlu", "multiple_choice", 2, 114);
        // MMLU's subjects are lm-eval's subtasks of the mmlu group
        assertTrue(run.results.has("groups"), "a task with subjects is a group");
        assertEquals("mmlu", run.results.at("/groups/mmlu/alias").textValue());
        assertEquals(run.leafNames(), names(run.results.at("/group_subtasks/mmlu")));
        assertEquals(57, run.leaves.size(), "--limit 2 applies per subject, as lm-eval's per subtask: all 57 evaluated");
        long rows = 0;
        for (Leaf leaf : run.leaves) {
            String subject = leaf.name.substring("mmlu_".length());
            assertEquals(" - " + subject, run.results.at("/results/" + leaf.name + "/alias").textValue());
            assertEquals(subject, run.results.at("/configs/" + leaf.name + "/task_alias").textValue());
            assertEquals(0, run.results.at("/n-shot/" + leaf.name).intValue(), "lm-eval's mmlu default: 0-shot");
            assertEquals(1.0, run.results.at("/versions/" + leaf.name).doubleValue(), "_default_template_yaml's version");
            int inFile = MmluCsv.read(datasets.resolve("mmlu/test/" + subject + "_test.csv")).size();
            rows += inFile;
            assertEquals(inFile, run.results.at("/n-samples/" + leaf.name + "/original").intValue());
            assertEquals(2, run.results.at("/n-samples/" + leaf.name + "/effective").intValue());
            assertEquals(inFile, run.metrics.at("/data/subjects/" + subject + "/rows").intValue());
            assertEquals(2, run.metrics.at("/data/subjects/" + subject + "/evaluated").intValue());
            assertEquals(2, leaf.lines.size());
            for (JsonNode line : leaf.lines) {
                assertTrue(line.get("target").isInt() && line.get("target").intValue() < 4);
                assertEquals(4, line.get("arguments").size());
                assertEquals(" " + "ABCD".charAt(line.get("target").intValue()),
                        line.at("/arguments/gen_args_" + line.get("target").intValue() + "/arg_1").textValue());
                assertTrue(line.at("/arguments/gen_args_0/arg_0").textValue().startsWith("The following are multiple "
                        + "choice questions (with answers) about " + subject.replace('_', ' ') + ".\n\n"));
                assertEquals(1, line.at("/arguments/gen_args_0/arg_0").textValue().split("\nAnswer:", -1).length - 1,
                        "0-shot: one question, no examples");
            }
        }
        assertEquals(rows, run.metrics.at("/data/rows").longValue(), "the snapshot's row count");
        assertEquals(114, run.metrics.at("/data/evaluated").intValue());
        // metrics.json: lm-eval's category groups and mmlu, weighted by size
        JsonNode groups = run.metrics.get("groups");
        assertEquals(List.of("mmlu_stem", "mmlu_other", "mmlu_social_sciences", "mmlu_humanities", "mmlu"),
                fieldNames(groups));
        assertEquals(38, groups.at("/mmlu_stem/acc/n").intValue(), "19 subjects x 2");
        assertEquals(24, groups.at("/mmlu_social_sciences/acc/n").intValue(), "12 subjects x 2");
        assertEquals(114, groups.at("/mmlu/acc/n").intValue());
        double weighted = 0;
        for (String g : List.of("mmlu_stem", "mmlu_other", "mmlu_social_sciences", "mmlu_humanities")) {
            weighted += groups.at("/" + g + "/acc/value").doubleValue() * groups.at("/" + g + "/acc/n").intValue();
        }
        assertEquals(weighted / 114, groups.at("/mmlu/acc/value").doubleValue(), 1e-12);
        assertEquals(run.metrics.at("/metrics/acc/value").doubleValue(), groups.at("/mmlu/acc/value").doubleValue(),
                1e-12, "the size-weighted mean is the micro average");
        // the headline (metrics.json's metrics) is lm-eval's mmlu line, stderr and all; the plain mean is labelled
        assertEquals(groups.at("/mmlu/acc"), run.metrics.at("/metrics/acc"), "the headline is the mmlu group");
        assertEquals(114, run.metrics.at("/metrics_plain_mean_over_samples/acc/n").intValue());
        assertEquals(run.metrics.at("/metrics/acc/value").doubleValue(),
                run.metrics.at("/metrics_plain_mean_over_samples/acc/value").doubleValue(), 1e-12);
        assertTrue(groups.at("/mmlu/acc/stderr").isNumber());
    }

    @Test
    void gsm8kWithLimit3() throws Exception {
        Path datasets = sharedDatasets("gsm8k");
        Path out = evaluate("gsm8k", "--task", "gsm8k", "--datasets", datasets.toString(), "--limit", "3",
                "--task-option", "max_gen_toks=24");
        Run run = check(out, "gsm8k", "generate_until", 3);
        Leaf leaf = run.leaves.get(0);
        JsonNode kwargs = run.results.at("/configs/gsm8k/generation_kwargs");
        assertEquals(24, kwargs.get("max_gen_toks").intValue());
        assertEquals(false, kwargs.get("do_sample").booleanValue());
        assertEquals(5, run.results.at("/n-shot/gsm8k").intValue());
        assertEquals(List.of("until", "do_sample", "temperature", "max_gen_toks"), fieldNames(kwargs),
                "gsm8k.yaml's generation_kwargs, then the max_gen_toks option (not lm-eval's default 256)");
        assertEquals(List.of("Question:", "</s>", "<|im_end|>"), names(kwargs.get("until")));
        assertEquals(3.0, run.results.at("/versions/gsm8k").doubleValue(), "gsm8k.yaml metadata.version");
        assertEquals(List.of("alias", "exact_match,strict-match", "exact_match_stderr,strict-match",
                "exact_match,flexible-extract", "exact_match_stderr,flexible-extract"),
                fieldNames(run.results.at("/results/gsm8k")));
        JsonNode metricList = run.results.at("/configs/gsm8k/metric_list");
        assertEquals(1, metricList.size(), "one exact_match for both filters");
        assertEquals(List.of(",", "\\$", "(?s).*#### ", "\\.$"), names(metricList.at("/0/regexes_to_ignore")));
        assertTrue(metricList.at("/0/ignore_case").booleanValue());
        JsonNode filters = run.results.at("/configs/gsm8k/filter_list");
        assertEquals("strict-match", filters.at("/0/name").textValue());
        assertEquals("#### (\\-?[0-9\\.\\,]+)", filters.at("/0/filter/0/regex_pattern").textValue());
        assertEquals("flexible-extract", filters.at("/1/name").textValue());
        assertEquals(-1, filters.at("/1/filter/0/group_select").intValue());
        assertEquals("(-?[$0-9.,]{2,})|(-?[0-9]+)", filters.at("/1/filter/0/regex_pattern").textValue());
        assertEquals("take_first", filters.at("/1/filter/1/function").textValue());
        assertEquals(6, leaf.lines.size(), "3 documents x 2 filters");
        List<String> reference = Files.readAllLines(datasets.resolve("gsm8k/test.jsonl"));
        for (int i = 0; i < 6; i++) {
            JsonNode line = leaf.lines.get(i);
            assertEquals(i < 3 ? "strict-match" : "flexible-extract", line.get("filter").textValue());
            assertEquals(List.of("exact_match"), names(line.get("metrics")));
            JsonNode row = JSON.readTree(reference.get(i % 3));
            assertEquals(row.get("answer").textValue(), line.at("/doc/answer").textValue());
            assertEquals(row.get("answer").textValue(), line.get("target").textValue(), "doc_to_target: {{answer}}");
            assertEquals(kwargs, line.at("/arguments/gen_args_0/arg_1"), "the generation settings, per request");
        }
    }

    @Test
    void timestampAndModelNameAsLmEvalWritesThem() {
        Instant at = Instant.parse("2025-06-01T12:03:04.000123456Z");
        assertEquals("2025-06-01T12-03-04.000123", LmEvalResults.timestamp(at, ZoneOffset.UTC));
        assertEquals("2025-06-01T14-03-04", LmEvalResults.timestamp(Instant.parse("2025-06-01T12:03:04Z"),
                ZoneOffset.ofHours(2))); // isoformat() leaves out a zero fraction
        // lm-eval's sanitize_model_name, as CPython 3.11 gives it for the same string
        assertEquals("__tmp__x__model__v1__a__0__", LmEvalResults.sanitizeModelName("/tmp/x/model:v1|a[0]"));
        assertEquals("my_task_v2", LmEvalResults.fileSafe("my task/v2"));
    }

    // ---------------------------------------------------------------------------------------------

    private static Path sharedDatasets(String dataset) {
        Path root = ProjectLayout.defaultDatasetsRoot(ProjectLayout.root());
        assumeTrue(Files.isDirectory(root.resolve(dataset)), "skipped: no shared " + dataset + " dataset at "
                + root.resolve(dataset));
        return root;
    }

    private static Path evaluate(String name, String... args) {
        Path out = dir.resolve("out-" + name);
        List<String> all = new ArrayList<>(List.of("evaluate", "--model", model.toString(), "--master", "local[2]",
                "--batch-size", "4", "--output", out.toString()));
        all.addAll(List.of(args));
        StringWriter err = new StringWriter();
        int code = PltCli.execute(new PrintWriter(err, true), all.toArray(String[]::new));
        assertEquals(0, code, err.toString());
        return out;
    }

    private record Leaf(String name, List<JsonNode> lines) {
    }

    private record Run(JsonNode results, JsonNode metrics, List<Leaf> leaves) {
        List<String> leafNames() {
            return leaves.stream().map(Leaf::name).toList();
        }
    }

    /** Everything every run's files must satisfy; returns them parsed for the task's own checks. */
    private static Run check(Path out, String task, String outputType, int evaluated) throws Exception {
        return check(out, task, outputType, evaluated, evaluated);
    }

    /** {@link #check} for a run whose {@code --limit} applies per subject: {@code evaluated} samples in all. */
    private static Run check(Path out, String task, String outputType, int limit, int evaluated) throws Exception {
        JsonNode metrics = JSON.readTree(out.resolve("metrics.json").toFile());
        JsonNode manifest = JSON.readTree(out.resolve("_plt_run.json").toFile());
        OutputGuard.checkOwn(OutputLocation.local(out)); // --overwrite would accept the directory: all plt's

        // file names: one results file; a samples file per task, with the same timestamp
        List<String> names;
        try (Stream<Path> listing = Files.list(out)) {
            names = listing.map(p -> p.getFileName().toString()).sorted().toList();
        }
        List<String> resultsFiles = names.stream().filter(n -> n.startsWith("results_")).toList();
        assertEquals(1, resultsFiles.size(), names.toString());
        Matcher m = RESULTS.matcher(resultsFiles.get(0));
        assertTrue(m.matches(), resultsFiles.get(0));
        String stamp = m.group(1);
        String text = Files.readString(out.resolve(resultsFiles.get(0)));
        assertTrue(text.startsWith("{\n  \"results\": {\n"), "json.dumps(indent=2) text");
        JsonNode results = JSON.readTree(text);

        // top-level keys, in lm-eval's order, with their types
        List<String> keys = fieldNames(results);
        boolean group = results.has("groups");
        List<String> expectedOrder = new ArrayList<>(List.of("results", "group_subtasks", "configs", "versions",
                "n-shot", "higher_is_better", "n-samples", "config", "git_hash", "date"));
        if (group) {
            expectedOrder.add(1, "groups");
        }
        assertEquals(expectedOrder, keys.subList(0, expectedOrder.size()));
        TOP.forEach((key, type) -> assertType(results.get(key), type, key));
        String git = results.get("git_hash").isNull() ? null : results.get("git_hash").textValue();
        assertEquals(BuildInfo.gitHash(), git);
        assertTrue(git == null || git.matches("[0-9a-f]{40}"), git);
        assertTrue(results.get("start_time").doubleValue() <= results.get("end_time").doubleValue());
        assertTrue(Double.parseDouble(results.get("total_evaluation_time_seconds").textValue()) >= 0);
        assertEquals(results.get("date").doubleValue(), results.get("start_time").doubleValue());
        assertEquals(model.toRealPath().toString(), results.get("model_name").textValue());
        assertTrue(results.get("max_length").isInt());
        assertTrue(results.get("eot_token_id").isInt(), "the random checkpoint's tokenizer has <|endoftext|>");

        // config: the model, its content hash, the run's settings
        JsonNode config = results.get("config");
        assertEquals("plt", config.get("model").textValue());
        assertTrue(config.get("model_args").textValue().startsWith("pretrained=" + model.toRealPath() + ","),
                config.get("model_args").textValue());
        assertEquals(ModelFingerprint.of(model), config.get("model_sha").textValue());
        assertEquals(manifest.at("/settings/model_fingerprint").textValue(), config.get("model_sha").textValue());
        assertEquals(4, config.get("batch_size").intValue());
        assertTrue(config.get("batch_sizes").isArray());
        assertEquals(limit, config.get("limit").intValue());
        for (String key : List.of("device", "use_cache", "bootstrap_iters", "gen_kwargs", "random_seed",
                "numpy_seed", "torch_seed", "fewshot_seed")) {
            assertTrue(config.has(key), "config." + key);
        }

        // leaves: the standalone task, or the group's subtasks (one per subject)
        List<String> leafNames = new ArrayList<>(fieldNames(results.get("n-samples")));
        assertEquals(leafNames, fieldNames(results.get("task_hashes")));
        assertEquals(new java.util.TreeSet<>(leafNames), new java.util.TreeSet<>(fieldNames(results.get("configs"))));
        List<String> expectedResults = new ArrayList<>(leafNames);
        if (group) {
            expectedResults.add(0, task);
            assertEquals(List.of(task), fieldNames(results.get("groups")));
            assertEquals(leafNames, names(results.at("/group_subtasks/" + task)));
            // lm-eval's group entry: MMLU's outermost group (size-weighted, pooled stderr), else the micro average
            JsonNode groupMetrics = metrics.has("groups") ? metrics.at("/groups/mmlu") : metrics.get("metrics");
            checkEntry(results.at("/groups/" + task), groupMetrics);
            checkEntry(results.at("/results/" + task), groupMetrics);
        } else {
            assertEquals(List.of(task), leafNames);
        }
        assertEquals(expectedResults, fieldNames(results.get("results")));

        List<Leaf> leaves = new ArrayList<>();
        int effective = 0;
        for (String leaf : leafNames) {
            JsonNode entry = results.at("/results/" + leaf);
            JsonNode expected = group ? metrics.at("/subjects/" + leaf.substring(task.length() + 1)) : metrics.get("metrics");
            checkEntry(entry, expected);
            assertEquals(group ? " - " + leaf.substring(task.length() + 1) : leaf, entry.get("alias").textValue());
            JsonNode counts = results.at("/n-samples/" + leaf);
            assertEquals(List.of("original", "effective"), fieldNames(counts));
            assertTrue(counts.get("original").isInt() && counts.get("effective").isInt());
            assertTrue(counts.get("effective").intValue() <= counts.get("original").intValue());
            effective += counts.get("effective").intValue();
            JsonNode cfg = results.at("/configs/" + leaf);
            assertEquals(leaf, cfg.get("task").textValue());
            assertEquals(outputType, cfg.get("output_type").textValue());
            assertEquals(results.at("/n-shot/" + leaf).intValue(), cfg.get("num_fewshot").intValue());
            assertTrue(results.get("versions").has(leaf));
            for (JsonNode metric : cfg.get("metric_list")) {
                assertTrue(metric.get("metric").isTextual() && metric.get("aggregation").isTextual());
                assertEquals(metric.get("higher_is_better"),
                        results.at("/higher_is_better/" + leaf + "/" + metric.get("metric").textValue()));
            }
            Iterator<String> metricNames = metrics.get("metrics").fieldNames();
            metricNames.forEachRemaining(name -> assertTrue(results.at("/higher_is_better/" + leaf + "/"
                    + key(name).substring(0, key(name).indexOf(','))).isBoolean(), leaf + " " + name));

            Path file = out.resolve("samples_" + leaf + "_" + stamp + ".jsonl");
            assertTrue(Files.exists(file), file + " in " + names);
            List<JsonNode> lines = new ArrayList<>();
            for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lines.add(JSON.readTree(l));
            }
            // lm-eval logs every document once per filter, filter by filter
            List<String> filters = new ArrayList<>();
            metrics.get("metrics").fieldNames().forEachRemaining(name -> {
                String filter = key(name).substring(key(name).indexOf(',') + 1);
                if (!filters.contains(filter)) {
                    filters.add(filter);
                }
            });
            int docs = counts.get("effective").intValue();
            assertEquals(docs * filters.size(), lines.size());
            StringBuilder joined = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                checkLine(lines.get(i), i % docs, filters.get(i / docs), outputType, metrics);
                joined.append(lines.get(i).get("doc_hash").textValue()).append(lines.get(i).get("prompt_hash").textValue())
                        .append(lines.get(i).get("target_hash").textValue());
            }
            assertEquals(sha256(joined.toString()), results.at("/task_hashes/" + leaf).textValue(), "task hash");
            checkMeans(lines, entry);
            leaves.add(new Leaf(leaf, lines));
        }
        assertEquals(evaluated, effective, "--limit samples in all");
        assertEquals(leafNames.size(), names.stream().filter(n -> n.startsWith("samples_")).count(), names.toString());
        return new Run(results, metrics, leaves);
    }

    /** A results entry: alias, then "metric,none" and "metric_stderr,none" equal to metrics.json's. */
    private static void checkEntry(JsonNode entry, JsonNode expected) {
        List<String> keys = fieldNames(entry);
        assertEquals("alias", keys.get(0));
        assertTrue(entry.get("alias").isTextual());
        List<String> want = new ArrayList<>(List.of("alias"));
        expected.fieldNames().forEachRemaining(name -> {
            want.add(key(name));
            want.add(stderrKey(name));
        });
        assertEquals(want, keys);
        for (String key : keys.subList(1, keys.size())) {
            assertTrue(key.matches("[a-z_]+,[a-z-]+"), key);
        }
        expected.fields().forEachRemaining(e -> {
            JsonNode value = entry.get(key(e.getKey()));
            assertTrue(value.isNumber(), e.getKey());
            assertEquals(e.getValue().get("value").doubleValue(), value.doubleValue(), 0.0, e.getKey());
            JsonNode stderr = entry.get(stderrKey(e.getKey()));
            if (e.getValue().get("stderr").isNull()) {
                assertEquals("N/A", stderr.textValue(), e.getKey() + " has no stderr");
            } else {
                assertEquals(e.getValue().get("stderr").doubleValue(), stderr.doubleValue(), 0.0, e.getKey());
            }
        });
    }

    /** One samples line: lm-eval's fields, in its order, with the hashes and metric values they must have. */
    private static void checkLine(JsonNode line, int docId, String filter, String outputType, JsonNode metrics) {
        List<String> keys = fieldNames(line);
        assertEquals(List.of("doc_id", "doc", "target", "arguments", "resps", "filtered_resps", "filter", "metrics",
                "doc_hash", "prompt_hash", "target_hash"), keys.subList(0, 11));
        assertEquals(docId, line.get("doc_id").intValue());
        assertTrue(line.get("doc_id").isInt());
        assertTrue(line.get("doc").isObject());
        assertEquals(filter, line.get("filter").textValue());
        for (String hash : List.of("doc_hash", "prompt_hash", "target_hash")) {
            assertTrue(HEX64.matcher(line.get(hash).textValue()).matches(), hash);
        }
        // doc_hash: hash_string(json.dumps(doc, indent=2, ensure_ascii=False)), written out here by hand
        assertEquals(sha256(pythonIndent2(line.get("doc"))), line.get("doc_hash").textValue(), "doc_hash");
        JsonNode arguments = line.get("arguments");
        assertEquals(sha256(arguments.at("/gen_args_0/arg_0").textValue()), line.get("prompt_hash").textValue());
        JsonNode target = line.get("target");
        String targetString = target.isNull() ? "None" : target.isInt() ? Integer.toString(target.intValue())
                : target.textValue();
        assertEquals(sha256(targetString), line.get("target_hash").textValue(), "target_hash");

        List<String> metricNames = names(line.get("metrics"));
        for (int i = 0; i < arguments.size(); i++) {
            assertTrue(arguments.has("gen_args_" + i), "gen_args_" + i);
        }
        JsonNode resps = line.get("resps");
        JsonNode filtered = line.get("filtered_resps");
        if (line.has("error")) {
            // a failed sample: its requests, no answers, no metric values
            assertTrue(line.get("error").isTextual() && line.get("error_kind").isTextual());
            assertEquals(List.of(), metricNames);
            assertTrue(resps.isArray() && resps.isEmpty() && filtered.isArray() && filtered.isEmpty());
            assertEquals(List.of("sample_id", "error", "error_kind"), keys.subList(11, keys.size()));
            return;
        }
        List<String> expectedMetrics = new ArrayList<>();
        metrics.get("metrics").fieldNames().forEachRemaining(name -> {
            if (key(name).endsWith("," + filter)) {
                expectedMetrics.add(key(name).substring(0, key(name).indexOf(',')));
            }
        });
        assertEquals(expectedMetrics, metricNames, "a scored sample has every metric of its filter");
        assertEquals(metricNames, keys.subList(11, 11 + metricNames.size()), "metric values after the hashes");
        assertEquals(List.of("sample_id"), keys.subList(11 + metricNames.size(), keys.size()));
        assertEquals(arguments.size(), resps.size(), "one answer list per request");
        assertEquals(arguments.size(), filtered.size());
        if (outputType.equals("multiple_choice")) {
            assertTrue(target.isInt());
            double[] ll = new double[arguments.size()];
            double[] norm = new double[arguments.size()];
            for (int i = 0; i < ll.length; i++) {
                JsonNode args = arguments.get("gen_args_" + i);
                assertEquals(List.of("arg_0", "arg_1"), fieldNames(args));
                assertEquals(arguments.at("/gen_args_0/arg_0"), args.get("arg_0"), "one context for every choice");
                assertEquals(1, resps.get(i).size(), "no repeats");
                JsonNode answer = resps.get(i).get(0);
                assertEquals(answer, filtered.get(i), "filter none takes the first answer");
                assertEquals(2, answer.size());
                assertTrue(answer.get(0).isTextual() && answer.get(1).isTextual(), "sanitize_list: strings");
                assertTrue(answer.get(1).textValue().equals("True") || answer.get(1).textValue().equals("False"));
                ll[i] = Double.parseDouble(answer.get(0).textValue());
                String choice = args.get("arg_1").textValue().substring(1);
                norm[i] = ll[i] / choice.codePointCount(0, choice.length());
            }
            assertEquals(argmax(ll) == target.intValue() ? 1.0 : 0.0, line.get("acc").doubleValue(), "acc from resps");
            assertEquals(argmax(norm) == target.intValue() ? 1.0 : 0.0, line.get("acc_norm").doubleValue(), "acc_norm");
        } else {
            assertTrue(target.isTextual());
            JsonNode args = arguments.get("gen_args_0");
            assertEquals(List.of("arg_0", "arg_1"), fieldNames(args));
            List<String> kwargs = fieldNames(args.get("arg_1"));
            assertEquals(List.of("until", "do_sample", "temperature"), kwargs.subList(0, 3));
            assertTrue(kwargs.size() == 3 || kwargs.subList(3, kwargs.size()).equals(List.of("max_gen_toks")), "" + kwargs);
            assertTrue(resps.get(0).get(0).isTextual());
            String response = resps.get(0).get(0).textValue();
            for (JsonNode stop : args.at("/arg_1/until")) {
                assertTrue(!response.contains(stop.textValue()), "cut at the stop string");
            }
            if (filter.equals("none")) {
                assertEquals(resps.get(0).get(0), filtered.get(0));
            } else {
                String answer = filtered.get(0).textValue();
                assertTrue(answer.equals("[invalid]") || response.contains(answer), answer + " from " + response);
                // exact_match as gsm8k.yaml configures it, written out here by hand
                double hit = gsm8kNormal(answer).equals(gsm8kNormal(target.textValue())) ? 1.0 : 0.0;
                assertEquals(hit, line.get("exact_match").doubleValue(), "exact_match of " + answer);
            }
            for (String metric : metricNames) {
                double v = line.get(metric).doubleValue();
                assertTrue(v == 0.0 || v == 1.0, metric);
            }
        }
        assertTrue(line.get("sample_id").isTextual());
    }

    /** The scored samples' values average to the results file's numbers. */
    private static void checkMeans(List<JsonNode> lines, JsonNode entry) {
        Iterator<String> keys = entry.fieldNames();
        while (keys.hasNext()) {
            String key = keys.next();
            if (key.equals("alias") || key.contains("_stderr,")) {
                continue;
            }
            String metric = key.substring(0, key.indexOf(','));
            String filter = key.substring(key.indexOf(',') + 1);
            double sum = 0;
            int scored = 0;
            for (JsonNode line : lines) {
                if (!line.has("error") && line.get("filter").textValue().equals(filter)) {
                    sum += line.get(metric).doubleValue();
                    scored++;
                }
            }
            assertEquals(sum / scored, entry.get(key).doubleValue(), 1e-12, metric);
        }
    }

    /** lm-eval's results key of a metrics.json metric. */
    private static String key(String pltMetric) {
        return LM_EVAL_KEYS.getOrDefault(pltMetric, pltMetric + ",none");
    }

    private static String stderrKey(String pltMetric) {
        String key = key(pltMetric);
        return key.substring(0, key.indexOf(',')) + "_stderr" + key.substring(key.indexOf(','));
    }

    /** gsm8k.yaml's exact_match: drop ",", "$", all up to the last "#### ", one final "."; lower case. */
    private static String gsm8kNormal(String s) {
        s = s.replace(",", "").replace("$", "");
        int marker = s.lastIndexOf("#### ");
        if (marker >= 0) {
            s = s.substring(marker + 5);
        }
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.toLowerCase(java.util.Locale.ROOT);
    }

    private static void assertType(JsonNode node, String type, String key) {
        assertNotNull(node, "missing key " + key);
        boolean ok = false;
        for (String t : type.split("\\|")) {
            ok |= switch (t) {
                case "object" -> node.isObject();
                case "string" -> node.isTextual();
                case "number" -> node.isNumber();
                case "boolean" -> node.isBoolean();
                case "null" -> node.isNull();
                default -> throw new IllegalArgumentException(t);
            };
        }
        assertTrue(ok, key + " should be " + type + ", is " + node);
    }

    /** Python's json.dumps(doc, indent=2, ensure_ascii=False) for an object of strings. */
    private static String pythonIndent2(JsonNode doc) {
        if (doc.isEmpty()) {
            return "{}";
        }
        StringBuilder out = new StringBuilder("{");
        Iterator<Map.Entry<String, JsonNode>> fields = doc.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            out.append("\n  ").append(pythonString(f.getKey())).append(": ").append(pythonString(f.getValue().textValue()));
            out.append(fields.hasNext() ? "," : "\n");
        }
        return out.append('}').toString();
    }

    private static String pythonString(String s) {
        StringBuilder out = new StringBuilder("\"");
        s.chars().forEach(c -> {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", c) : String.valueOf((char) c));
            }
        });
        return out.append('"').toString();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.textValue()));
        return out;
    }
}
