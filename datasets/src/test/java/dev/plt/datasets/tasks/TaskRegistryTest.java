package dev.plt.datasets.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.datasets.SharedDatasets;
import dev.plt.datasets.tasks.gsm8k.Gsm8kSource;
import dev.plt.datasets.tasks.metrics.SampleScore;
import dev.plt.datasets.tasks.mmlu.MmluCategories;
import dev.plt.datasets.tasks.mmlu.MmluSource;
import dev.plt.datasets.tasks.perplexity.PerplexitySource;
import dev.plt.datasets.tasks.registry.ProjectLayout;
import dev.plt.datasets.tasks.registry.TaskRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskRegistryTest {
    private final Path root = SharedDatasets.projectRoot();
    private final TaskRegistry registry = TaskRegistry.forProject(root);

    @Test
    void theProjectDeclaresTheFiveTasks() {
        assertEquals(List.of("chase", "gsm8k", "mc_jsonl", "mmlu", "multihop", "perplexity"), registry.names());
        assertEquals(root.resolve("../shared/datasets").normalize(), registry.datasetsRoot());
    }

    @Test
    void theBuiltInTasksAreTheProjectsOwnSoAJarNeedsNoCheckout() {
        TaskRegistry builtIn = TaskRegistry.builtIn(root.resolve("../shared/datasets"));
        assertEquals(registry.names(), builtIn.names());
        for (String name : registry.names()) {
            assertEquals(registry.dataOption(name), builtIn.dataOption(name), name);
        }
    }

    @Test
    void dataPathsDefaultToTheSharedDatasets() {
        Path datasets = ProjectLayout.defaultDatasetsRoot(root);
        Task mmlu = registry.create("mmlu");
        assertEquals(RequestType.LOGLIKELIHOOD, mmlu.requestType());
        MmluSource source = (MmluSource) mmlu.source();
        assertEquals(datasets.resolve("mmlu").toString(), source.dataDir());
        assertEquals(0, source.numFewshot(), "lm-eval's mmlu is 0-shot");
        Gsm8kSource gsm8k = (Gsm8kSource) registry.create("gsm8k").source();
        assertEquals(datasets.resolve("gsm8k/test.jsonl").toString(), gsm8k.evalFile());
        assertEquals(List.of("Question:", "</s>", "<|im_end|>"), gsm8k.until());
        assertEquals(Optional.of("data_dir"), registry.dataOption("mmlu"));
        assertEquals(Optional.of("eval_file"), registry.dataOption("gsm8k"));
        assertEquals(Optional.empty(), registry.dataOption("multihop"));
        assertEquals(List.of("word_perplexity", "byte_perplexity", "bits_per_byte"),
                List.copyOf(registry.create("perplexity").metrics().keySet()));
    }

    @Test
    void overridesReplaceFileOptionsAndConvertStrings(@TempDir Path dir) {
        MmluSource fiveShot = (MmluSource) registry.create("mmlu", Map.of("num_fewshot", "5",
                "subjects", "anatomy")).source();
        assertEquals(5, fiveShot.numFewshot());
        assertEquals(List.of("anatomy"), fiveShot.subjects());
        PerplexitySource ppl = (PerplexitySource) registry.create("perplexity",
                Map.of("path", dir.resolve("x.txt").toString())).source();
        assertEquals(dir.resolve("x.txt").toString(), ppl.path(), "absolute paths stay as given");
        TaskRegistry elsewhere = registry.withDatasetsRoot(dir);
        assertEquals(dir.resolve("tinyshakespeare/input.txt").toString(),
                ((PerplexitySource) elsewhere.create("perplexity").source()).path());
    }

    @Test
    void mmluCategoryGroupsAreTaskNames() {
        Task stem = registry.create("mmlu_stem", Map.of("num_fewshot", "5"));
        assertEquals("mmlu_stem", stem.name());
        MmluSource source = (MmluSource) stem.source();
        assertEquals(MmluCategories.BY_CATEGORY.get("stem"), source.subjects());
        assertEquals(5, source.numFewshot(), "the overrides reach the mmlu task");
        assertEquals(List.of("mmlu_stem", "mmlu_other", "mmlu_social_sciences", "mmlu_humanities"),
                registry.groupNames());
        assertEquals(Optional.of("data_dir"), registry.dataOption("mmlu_humanities"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> registry.create("mmlu_stem", Map.of("subjects", "anatomy")));
        assertEquals("task 'mmlu_stem' is a group of MMLU subjects: it takes no subjects option", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> registry.create("mmlu_chemistry"));
    }

    @Test
    void unknownTasksAndOptionsAreErrorsThatListWhatExists() {
        IllegalArgumentException task = assertThrows(IllegalArgumentException.class, () -> registry.create("mmlu_pro"));
        assertEquals("unknown task 'mmlu_pro'; known tasks: chase, gsm8k, mc_jsonl, mmlu, multihop, perplexity",
                task.getMessage());
        IllegalArgumentException option = assertThrows(IllegalArgumentException.class,
                () -> registry.create("mmlu", Map.of("num_shots", 3)));
        assertTrue(option.getMessage().contains("unknown option 'num_shots'"), option.getMessage());
        assertTrue(option.getMessage().contains("num_fewshot"), option.getMessage());
        IllegalArgumentException path = assertThrows(IllegalArgumentException.class, () -> registry.create("mc_jsonl"));
        assertTrue(path.getMessage().contains("'path' is required"), path.getMessage());
    }

    /** num_fewshot=abc gave Jackson's message; now every bad value names its option and what it accepts. */
    @Test
    void badOptionValuesNameTheOptionAndWhatItAccepts() {
        assertBad("gsm8k", Map.of("num_fewshot", "abc"), "option num_fewshot=abc: expected a whole number >= 0");
        assertBad("gsm8k", Map.of("num_fewshot", "-1"), "option num_fewshot=-1: expected a whole number >= 0");
        assertBad("gsm8k", Map.of("num_fewshot", 2.5), "option num_fewshot=2.5: expected a whole number >= 0");
        assertBad("gsm8k", Map.of("num_fewshot", ""), "option num_fewshot=: expected a whole number >= 0");
        assertBad("gsm8k", Map.of("max_gen_toks", "0"), "option max_gen_toks=0: expected a whole number >= 1");
        assertBad("gsm8k", Map.of("fewshot_seed", "seven"), "option fewshot_seed=seven: expected a whole number");
        assertBad("gsm8k", Map.of("strict_pattern", "(#### "),
                "option strict_pattern=(#### : expected a regular expression (Unclosed group near index 6)");
        assertBad("mmlu", Map.of("num_fewshot", "five"), "option num_fewshot=five: expected a whole number >= 0");
        assertBad("multihop", Map.of("split", "dev"), "option split=dev: expected one of train, validation, test");
        assertBad("multihop", Map.of("n", "-3"), "option n=-3: expected a whole number >= 0");
        assertBad("multihop", Map.of("hops", List.of(1, 0)), "option hops=[1, 0]: expected one or more whole numbers >= 1");
        assertBad("multihop", Map.of("hops", "2,3"), "option hops=2,3: expected one or more whole numbers >= 1");
        assertBad("multihop", Map.of("chains", "11"), "option chains=11: expected a whole number from 1 to 10");
        assertBad("perplexity", Map.of("documents", "pages"),
                "option documents=pages: expected one of whole, blank_lines, chunks");
        assertBad("perplexity", Map.of("chunk_chars", "0"), "option chunk_chars=0: expected a whole number >= 1");
        assertBad("mc_jsonl", Map.of("path", "x.jsonl", "gold_type", "letter"),
                "option gold_type=letter: expected one of auto, index, label");
    }

    /** Every option of every task, given a value of no option's type, is named with what it accepts. */
    @Test
    void everyOptionOfEveryTaskNamesWhatItAccepts() {
        for (String task : registry.names()) {
            String unknown = assertThrows(IllegalArgumentException.class,
                    () -> registry.create(task, Map.of("no_such_option", 1))).getMessage();
            List<String> options = List.of(unknown.replaceFirst(".*; options: ", "").split(", "));
            assertTrue(options.size() >= 3, unknown);
            for (String option : options) {
                assertBad(task, Map.of(option, Map.of("x", 1)), "option " + option + "={x=1}: expected ");
            }
        }
    }

    private void assertBad(String task, Map<String, ?> overrides, String expected) {
        String message = assertThrows(IllegalArgumentException.class,
                () -> registry.create(task, overrides).samples()).getMessage();
        assertTrue(message.contains(expected), () -> "expected '" + expected + "' in: " + message);
        assertEquals(1, message.lines().count(), message);
    }

    @Test
    void aNewFileOfAnExistingKindIsANewTask(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("arc_easy.yaml"), "kind: multiple_choice_jsonl\npath: arc/easy.jsonl\n"
                + "choices_field: choices.text\nlabels_field: choices.label\ngold_field: answerKey\n");
        Files.writeString(dir.resolve("deep.yaml"), "task: multihop_deep\nkind: multihop\nhops: 8\nn: 3\n");
        TaskRegistry custom = TaskRegistry.load(dir, dir);
        assertEquals(List.of("arc_easy", "multihop_deep"), custom.names());
        assertEquals(3, custom.create("multihop_deep").samples().size(), "a single hops value is a list of one");
        Files.writeString(dir.resolve("bad.yaml"), "kind: nonsense\n");
        assertThrows(IllegalArgumentException.class, () -> TaskRegistry.load(dir, dir));
    }

    @Test
    void tasksSurviveJavaSerializationAsSparkClosuresNeed() throws Exception {
        for (String name : List.of("gsm8k", "mmlu", "multihop", "perplexity")) {
            Task task = registry.create(name);
            Task copy = roundTrip(task);
            assertEquals(task.name(), copy.name());
            assertEquals(task.metrics(), copy.metrics());
        }
        Task multihop = registry.create("multihop", Map.of("n", 2));
        List<Sample> samples = multihop.samples();
        assertEquals(samples, roundTrip(multihop).samples());
        Sample sample = roundTrip(samples.get(0));
        List<Response> responses = sample.requests().stream()
                .map(r -> Response.loglikelihood(r.equals(sample.requests().get(sample.gold())) ? -0.1 : -5, true))
                .toList();
        assertEquals(1.0, roundTrip(multihop).score(sample, responses).metrics().get("acc").value());
    }

    @Test
    void gsm8kFileDeclaresLmEvalsStrictAndFlexibleFilters() throws Exception {
        Task gsm8k = roundTrip(registry.create("gsm8k"));
        Sample sample = new Sample("g", Map.of(), List.of(new GenerateUntilRequest("Q", List.of("\n\n"), 8)),
                List.of(), -1, "It costs 1,234.50\n#### 1,234.50", null, "g");
        SampleScore score = gsm8k.score(sample, List.of(Response.generation(" It costs $1,234.50.")));
        assertEquals(0.0, score.metrics().get("exact_match_strict").value());
        assertEquals(1.0, score.metrics().get("exact_match_flexible").value());
    }

    @Test
    void realMmluThroughTheRegistry() {
        SharedDatasets.require("mmlu");
        List<Sample> samples = registry.create("mmlu", Map.of("subjects", List.of("abstract_algebra", "anatomy")))
                .samples();
        assertEquals(100 + 135, samples.size());
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
