package dev.plt.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plt.jobs.SharedSpark;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plt evaluate} gives the same bits whatever {@code --partitions} and {@code --batch-size}: for
 * every task kind that needs no shared dataset (perplexity, multiple choice from JSONL, multihop's
 * generated multiple choice, GSM8K-style generation), three runs that spread the request rows and
 * batch them differently (1 partition x 16 rows, 3 x 1, 7 x 4) write metrics.json with the same text
 * (throughput and the settings aside) and the same samples/ rows, every double bit for bit.
 */
@ExtendWith(SharedSpark.class)
class PartitioningInvarianceTest {
    /** partitions, batch size. */
    private static final int[][] LAYOUTS = {{1, 16}, {3, 1}, {7, 4}};

    @TempDir
    static Path dir;

    private static Path model;

    @BeforeAll
    static void model() {
        model = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.Spec.small());
    }

    /**
     * Documents of ~40 rolling windows each (--max-length 16): with several partitions a document's
     * windows come back in another order than with one.
     */
    @Test
    void perplexity() throws Exception {
        Path data = TaskFiles.paragraphs(dir.resolve("paragraphs.txt"));
        List<Path> outs = runs("perplexity", "--task", "perplexity", "--data", data.toString(), "--task-option",
                "documents=blank_lines", "--max-length", "16");
        JsonNode metrics = EvaluateOutput.metrics(outs.get(0));
        assertEquals(4, metrics.get("n").asInt(), metrics.toString());
        assertEquals(0, metrics.get("errors").asInt(), metrics.toString());
        for (JsonNode sample : EvaluateOutput.samples(outs.get(0))) {
            assertTrue(sample.get("prompt_tokens").asInt() > 20 * 16, "each document has many windows: " + sample);
        }
        assertSameResults(outs);
    }

    @Test
    void multipleChoiceJsonl() throws Exception {
        Path data = TaskFiles.multipleChoice(dir.resolve("mc.jsonl"));
        List<Path> outs = runs("mc", "--task", "mc_jsonl", "--data", data.toString());
        JsonNode metrics = EvaluateOutput.metrics(outs.get(0));
        assertEquals(TaskFiles.QUESTIONS.size(), metrics.get("n").asInt(), metrics.toString());
        assertEquals(0, metrics.get("errors").asInt(), metrics.toString());
        assertSameResults(outs);
    }

    /** Ten choices per problem, one subject per depth (per-subject metrics compared too). */
    @Test
    void multihop() throws Exception {
        List<Path> outs = runs("multihop", "--task", "multihop", "--task-option", "n=6");
        JsonNode metrics = EvaluateOutput.metrics(outs.get(0));
        assertEquals(24, metrics.get("n").asInt(), metrics.toString());
        assertEquals(4, metrics.get("subjects").size(), metrics.toString());
        assertSameResults(outs);
    }

    /** Greedy generation with two few-shot examples per question; the last question's reference is invalid. */
    @Test
    void generation() throws Exception {
        Path eval = dir.resolve("gsm8k-test.jsonl");
        Path train = dir.resolve("gsm8k-train.jsonl");
        TaskFiles.gsm8k(eval, train, 9);
        List<Path> outs = runs("gsm8k", "--task", "gsm8k", "--data", eval.toString(), "--task-option",
                "fewshot_file=" + train, "--task-option", "num_fewshot=2", "--task-option", "max_gen_toks=12");
        JsonNode metrics = EvaluateOutput.metrics(outs.get(0));
        assertEquals(1, metrics.get("errors").asInt(), metrics.toString());
        List<JsonNode> samples = EvaluateOutput.samples(outs.get(0));
        assertEquals(9, samples.size());
        for (JsonNode sample : samples.subList(0, 8)) {
            assertTrue(!sample.get("output").asText().isEmpty(), "a generation: " + sample);
        }
        assertSameResults(outs);
    }

    /** One evaluation per layout of {@link #LAYOUTS}, into DIR/NAME-pP-bB. */
    private static List<Path> runs(String name, String... args) throws Exception {
        List<Path> outs = new ArrayList<>();
        for (int[] layout : LAYOUTS) {
            List<String> all = new ArrayList<>(List.of(args));
            all.addAll(List.of("--model", model.toString(), "--partitions", Integer.toString(layout[0]),
                    "--batch-size", Integer.toString(layout[1])));
            Path out = EvaluateOutput.evaluate(dir.resolve(name + "-p" + layout[0] + "-b" + layout[1]),
                    all.toArray(String[]::new));
            JsonNode settings = EvaluateOutput.metrics(out).get("settings");
            assertEquals(layout[0], settings.get("partitions").asInt(), settings.toString());
            assertEquals(layout[1], settings.get("batch_size").asInt(), settings.toString());
            outs.add(out);
        }
        return outs;
    }

    private static void assertSameResults(List<Path> outs) throws Exception {
        String metrics = EvaluateOutput.results(outs.get(0));
        List<JsonNode> samples = EvaluateOutput.samples(outs.get(0));
        for (Path other : outs.subList(1, outs.size())) {
            assertEquals(metrics, EvaluateOutput.results(other), "metrics.json of " + other + " vs " + outs.get(0));
            List<JsonNode> otherSamples = EvaluateOutput.samples(other);
            assertEquals(samples.size(), otherSamples.size(), "samples of " + other);
            for (int i = 0; i < samples.size(); i++) {
                assertEquals(EvaluateOutput.exactText(samples.get(i)), EvaluateOutput.exactText(otherSamples.get(i)),
                        "sample row " + i + " of " + other + " vs " + outs.get(0));
            }
        }
    }
}
