package dev.plt.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.datasets.tasks.multihop.MultihopGenerator;
import dev.plt.datasets.tasks.multihop.MultihopProblem;
import dev.plt.datasets.tasks.multihop.MultihopSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plt task-data}: the multihop training file the experiment trains on. */
class TaskDataCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void writesTrainSplitProblemsWithTheirGoldAnswers() throws Exception {
        Path out = dir.resolve("train.jsonl");
        assertEquals(0, PltCli.execute("task-data", "--task", "multihop", "--task-option", "split=train",
                "--task-option", "n=50", "--output", out.toString()));
        List<String> lines = Files.readAllLines(out);
        assertEquals(200, lines.size(), "50 problems for each of the 4 default depths");
        MultihopProblem first = MultihopGenerator.generate(new MultihopSpec(1, "train", 50, 1, 4)).get(0);
        JsonNode firstRow = JSON.readTree(lines.get(0));
        assertEquals(first.prompt(), firstRow.get("prompt").asText());
        assertEquals(first.answerText(), firstRow.get("answer").asText());
        assertEquals(2, firstRow.size(), "only prompt and answer");
        Set<Integer> depths = new HashSet<>();
        for (String line : lines) {
            JsonNode row = JSON.readTree(line);
            String prompt = row.get("prompt").asText();
            String answer = row.get("answer").asText();
            assertEquals("train", MultihopGenerator.splitOf(prompt), "no test or validation prompt in training data");
            assertTrue(answer.matches(" [0-9]"), answer);
            // the answer is the value of the chain's first variable, which the prompt states as "v=d."
            assertTrue(prompt.contains("=" + answer.strip() + "."), prompt + " ->" + answer);
            depths.add((int) prompt.chars().filter(c -> c == '=').count());
        }
        assertEquals(4, depths.size(), "statements per problem grow with depth: 4, 8, 12, 16");
    }

    @Test
    void shuffleIsSeededAndKeepsTheLines() throws Exception {
        Path plain = dir.resolve("plain.jsonl");
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        String[] common = {"task-data", "--task", "multihop", "--task-option", "n=20"};
        assertEquals(0, PltCli.execute(concat(common, "--output", plain.toString())));
        assertEquals(0, PltCli.execute(concat(common, "--shuffle-seed", "7", "--output", a.toString())));
        assertEquals(0, PltCli.execute(concat(common, "--shuffle-seed", "7", "--output", b.toString())));
        assertEquals(Files.readAllLines(a), Files.readAllLines(b));
        assertNotEquals(Files.readAllLines(plain), Files.readAllLines(a));
        assertEquals(new HashSet<>(Files.readAllLines(plain)), new HashSet<>(Files.readAllLines(a)));
    }

    @Test
    void refusesTasksWithoutAGoldChoiceAndExistingFiles() throws Exception {
        Path out = dir.resolve("x.jsonl");
        StringWriter err = new StringWriter();
        assertEquals(PltCli.EXIT_BAD_SETUP, PltCli.execute(new PrintWriter(err, true), "task-data", "--task",
                "perplexity", "--data", write("text.txt", "Some text to score.").toString(), "--output", out.toString()));
        assertTrue(err.toString().contains("multiple-choice tasks only"), err.toString());

        Files.writeString(out, "keep me");
        err = new StringWriter();
        assertEquals(PltCli.EXIT_BAD_SETUP, PltCli.execute(new PrintWriter(err, true), "task-data", "--task",
                "multihop", "--output", out.toString()));
        assertTrue(err.toString().contains("already exists"), err.toString());
        assertEquals("keep me", Files.readString(out));
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private static String[] concat(String[] head, String... tail) {
        String[] all = new String[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}
