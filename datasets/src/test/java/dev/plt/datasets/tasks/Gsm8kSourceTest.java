package dev.plt.datasets.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.datasets.SharedDatasets;
import dev.plt.datasets.tasks.gsm8k.Gsm8kConfig;
import dev.plt.datasets.tasks.gsm8k.Gsm8kSource;
import dev.plt.datasets.tasks.scoring.ExactMatchScorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Gsm8kSourceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> UNTIL = Gsm8kConfig.UNTIL;

    @Test
    void promptHasWorkedExamplesThenTheQuestion(@TempDir Path dir) throws IOException {
        Path train = dir.resolve("train.jsonl");
        Files.writeString(train, "{\"question\": \"1+1?\", \"answer\": \"1+1=2\\n#### 2\"}\n");
        Path test = dir.resolve("test.jsonl");
        Files.writeString(test, "{\"question\": \"How many?\", \"answer\": \"3*4=12\\n#### 1,200\"}\n");

        Sample s = new Gsm8kSource(test.toString(), train.toString(), 1, 1234, UNTIL, 256).load().get(0);
        GenerateUntilRequest r = (GenerateUntilRequest) s.requests().get(0);
        assertEquals("Question: 1+1?\nAnswer: 1+1=2\n#### 2\n\nQuestion: How many?\nAnswer:", r.context());
        assertEquals(List.of("Question:", "</s>", "<|im_end|>"), r.until(), "lm-eval's gsm8k.yaml, version 3.0");
        assertEquals(256, r.maxGenTokens());
        assertEquals("3*4=12\n#### 1,200", s.target(), "doc_to_target: the whole answer");

        Sample zeroShot = new Gsm8kSource(test.toString(), train.toString(), 0, 1234, UNTIL, 256).load().get(0);
        assertEquals("Question: How many?\nAnswer:", ((GenerateUntilRequest) zeroShot.requests().get(0)).context());
    }

    /** Scored against its whole solution text, such a sample would count as a wrong answer. */
    @Test
    void aReferenceWithoutTheMarkerMakesAnInvalidSampleNotAWrongAnswer(@TempDir Path dir) throws IOException {
        Path test = dir.resolve("test.jsonl");
        Files.writeString(test, String.join("\n",
                "{\"question\": \"Fine?\", \"answer\": \"2+2=4\\n#### 1,000.\"}",
                "{\"question\": \"No marker?\", \"answer\": \"It is 12.\"}",
                "{\"question\": \"Words?\", \"answer\": \"#### twelve\"}") + "\n");
        List<Sample> samples = new Gsm8kSource(test.toString(), test.toString(), 0, 1234, UNTIL, 256).load();
        assertNull(samples.get(0).invalid());
        assertEquals("sample gsm8k/test/1 (question 'No marker?'): the reference answer has no '#### ' before the "
                + "number to compare: It is 12.", samples.get(1).invalid());
        assertNull(samples.get(2).invalid(), "lm-eval compares 'twelve' as it is");
        ExactMatchScorer scorer = Gsm8kConfig.scorer(Gsm8kConfig.STRICT, Gsm8kConfig.FLEXIBLE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> scorer.score(samples.get(1), List.of(Response.generation("#### 12"))));
        assertEquals(samples.get(1).invalid(), e.getMessage());
        assertEquals(0.0, scorer.score(samples.get(2), List.of(Response.generation("#### TWELVE"))).metrics()
                .get("exact_match_strict").value(), "the filters take numbers only: [invalid] is not 'twelve'");
    }

    /** The same split for examples and evaluation: k + 1 drawn, the document dropped, the first k kept. */
    @Test
    void samePoolDrawsOneMoreAndDropsTheDocument(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("both.jsonl");
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            rows.append("{\"question\": \"q").append(i).append("\", \"answer\": \"#### ").append(i).append("\"}\n");
        }
        Files.writeString(file, rows);
        List<Sample> samples = new Gsm8kSource(file.toString(), file.toString(), 2, 1234, UNTIL, 256).load();
        // CPython 3.11: r = random.Random(1234); per document i, r.sample(range(5), 3) without i, first 2:
        // [3, 0, 4] -> 3, 4; [0, 4, 2] -> 0, 4; [0, 4, 1] -> 0, 4; [1, 0, 3] -> 1, 0; [0, 2, 3] -> 0, 2
        int[][] expected = {{3, 4}, {0, 4}, {0, 4}, {1, 0}, {0, 2}};
        for (int i = 0; i < 5; i++) {
            String context = "Question: q" + expected[i][0] + "\nAnswer: #### " + expected[i][0] + "\n\n"
                    + "Question: q" + expected[i][1] + "\nAnswer: #### " + expected[i][1] + "\n\n"
                    + "Question: q" + i + "\nAnswer:";
            assertEquals(context, context(samples.get(i)), "document " + i);
        }
    }

    /**
     * The first test question's 5-shot prompt as lm-eval builds it, written out from gsm8k.yaml by hand: the
     * examples are train rows 6374, 3610, 957, 61, 742 ({@code random.Random(1234).sample(range(7473), 5)} in
     * CPython 3.11), each "Question: {question}\nAnswer: {answer}\n\n", then "Question: {question}\nAnswer:";
     * the second question gets the stream's next draw (7462, 6610, 4769, 286, 5501).
     */
    @Test
    void realDataPromptsAreLmEvalsFromSeed1234() throws IOException {
        Path gsm8k = SharedDatasets.require("gsm8k");
        List<String> train = Files.readAllLines(gsm8k.resolve("train.jsonl"));
        List<String> test = Files.readAllLines(gsm8k.resolve("test.jsonl"));
        List<Sample> samples = new Gsm8kSource(gsm8k.resolve("test.jsonl").toString(),
                gsm8k.resolve("train.jsonl").toString(), 5, 1234, UNTIL, 256).load();
        assertEquals(1319, samples.size());
        int[][] shots = {{6374, 3610, 957, 61, 742}, {7462, 6610, 4769, 286, 5501}};
        for (int doc = 0; doc < 2; doc++) {
            StringBuilder expected = new StringBuilder();
            for (int index : shots[doc]) {
                JsonNode row = JSON.readTree(train.get(index));
                expected.append("Question: ").append(row.get("question").textValue()).append("\nAnswer: ")
                        .append(row.get("answer").textValue()).append("\n\n");
            }
            JsonNode row = JSON.readTree(test.get(doc));
            expected.append("Question: ").append(row.get("question").textValue()).append("\nAnswer:");
            assertEquals(expected.toString(), context(samples.get(doc)), "document " + doc);
            assertEquals(row.get("answer").textValue(), samples.get(doc).target());
        }
    }

    private static String context(Sample s) {
        return ((GenerateUntilRequest) s.requests().get(0)).context();
    }
}
