package dev.plt.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.datasets.tasks.mmlu.MmluCategories;
import dev.plt.datasets.tasks.registry.ProjectLayout;
import dev.plt.jobs.SharedSpark;
import dev.plt.jobs.cli.PltCli;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code plt evaluate --tasks a,b,c}: several tasks (and MMLU groups) in one application and one output. */
@ExtendWith(SharedSpark.class)
class EvaluateTasksTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void model() {
        model = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.Spec.small());
    }

    private static int run(Path out, StringWriter err, String... args) {
        List<String> all = new ArrayList<>(List.of("evaluate", "--model", model.toString(), "--master", "local[2]",
                "--batch-size", "4", "--output", out.toString()));
        all.addAll(List.of(args));
        return PltCli.execute(new PrintWriter(err, true), all.toArray(String[]::new));
    }

    @Test
    void severalTasksAndGroupsShareOneRunAndOneOutput() throws Exception {
        Path datasets = ProjectLayout.defaultDatasetsRoot(ProjectLayout.root());
        assumeTrue(Files.isDirectory(datasets.resolve("mmlu")), "skipped: no shared mmlu dataset at "
                + datasets.resolve("mmlu"));
        Path out = dir.resolve("several");
        StringWriter err = new StringWriter();
        assertEquals(0, run(out, err, "--tasks", "multihop,mmlu_humanities,mmlu_social_sciences", "--limit", "1",
                "--datasets", datasets.toString()), err.toString());

        JsonNode metrics = JSON.readTree(out.resolve("metrics.json").toFile());
        assertEquals(List.of("multihop", "mmlu_humanities", "mmlu_social_sciences"),
                JSON.convertValue(metrics.get("tasks_evaluated"), List.class));
        JsonNode humanities = metrics.at("/tasks/mmlu_humanities");
        assertEquals(13, humanities.get("n").intValue(), "--limit 1 per subject of the group's 13");
        List<String> subjects = new ArrayList<>();
        humanities.get("subjects").fieldNames().forEachRemaining(subjects::add);
        assertEquals(MmluCategories.BY_CATEGORY.get("humanities"), subjects, "the group's subjects, no other");
        assertEquals(12, metrics.at("/tasks/mmlu_social_sciences/n").intValue());
        assertEquals(13, metrics.at("/tasks/mmlu_humanities/groups/mmlu_humanities/acc/n").intValue());
        assertTrue(metrics.at("/tasks/mmlu_humanities/groups/mmlu_stem").isMissingNode());
        assertEquals(1, metrics.at("/settings/limit").intValue());
        for (String task : List.of("multihop", "mmlu_humanities", "mmlu_social_sciences")) {
            assertTrue(Files.isDirectory(out.resolve("samples/" + task)), "samples per task: " + task);
            assertTrue(Files.isRegularFile(out.resolve("report_" + task + ".html")), task);
            assertTrue(metrics.at("/tasks/" + task + "/settings").isMissingNode(), "settings once, at the top");
        }
        List<String> names;
        try (Stream<Path> listing = Files.list(out)) {
            names = listing.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(3, names.stream().filter(n -> n.startsWith("results_")).count(), names.toString());
        assertFalse(names.contains("report.html"));

        // the same numbers as the task run alone: the shared session changes nothing
        Path alone = dir.resolve("alone");
        assertEquals(0, run(alone, err, "--task", "multihop", "--limit", "1"), err.toString());
        JsonNode single = JSON.readTree(alone.resolve("metrics.json").toFile());
        assertEquals(single.get("metrics"), metrics.at("/tasks/multihop/metrics"));
        assertEquals(single.get("subjects"), metrics.at("/tasks/multihop/subjects"));
        assertNotEquals(0, single.get("n").intValue());
    }

    @Test
    void badTaskListsAreRefusedBeforeAnyWork() {
        String[][] cases = {
            {"give --task NAME or --tasks NAME,NAME, not both", "--task", "multihop", "--tasks", "multihop"},
            {"--tasks names a task twice: multihop,multihop", "--tasks", "multihop,multihop"},
            {"--data names one task's data", "--tasks", "mc_jsonl,multihop", "--data", "x.jsonl"},
            {"missing --task NAME", "--limit", "1"},
            {"unknown task 'mmlu_chemistry'", "--tasks", "multihop,mmlu_chemistry"},
        };
        for (String[] c : cases) {
            Path out = dir.resolve("never-" + c.length + c[1].hashCode());
            StringWriter err = new StringWriter();
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            assertEquals(PltCli.EXIT_BAD_SETUP, run(out, err, args), err.toString());
            assertTrue(err.toString().contains(c[0]), c[0] + " in: " + err);
            assertFalse(Files.exists(out), "nothing written");
        }
    }
}
