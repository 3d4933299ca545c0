package dev.plt.datasets.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.datasets.SharedDatasets;
import dev.plt.datasets.tasks.gsm8k.Gsm8kSource;
import dev.plt.datasets.tasks.scoring.AnswerExtractor;
import dev.plt.datasets.tasks.scoring.ExactMatchScorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Gsm8kSourceTest {
    private static final List<String> UNTIL = List.of("Question:", "\n\n");

    @Test
    void promptHasWorkedExamplesThenTheQuestion(@TempDir Path dir) throws IOException {
        Path train = dir.resolve("train.jsonl");
        Files.writeString(train, "{\"question\": \"1+1?\", \"answer\": \"1+1=2\\n#### 2\"}\n");
        Path test = dir.resolve("test.jsonl");
        Files.writeString(test, "{\"question\": \"How many?\", \"answer\": \"3*4=12\\n#### 1,200\"}\n");

        Sample s = new Gsm8kSource(test.toString(), train.toString(), 1, 1234, UNTIL, 256).load().get(0);
        GenerateUntilRequest r = (GenerateUntilRequest) s.requests().get(0);
        assertEquals("Question: 1+1?\nAnswer: 1+1=2\n#### 2\n\nQuestion: How many?\nAnswer:", r.context());
        assertEquals(UNTIL, r.until());
        assertEquals(256, r.maxGenTokens());
        assertEquals("1200", s.target());

        Sample zeroShot = new Gsm8kSource(test.toString(), train.toString(), 0, 1234, UNTIL, 256).load().get(0);
        assertEquals("Question: How many?\nAnswer:", ((GenerateUntilRequest) zeroShot.requests().get(0)).context());
    }

    /** Scored against its whole solution text, such a sample counted as a wrong answer. */
    @Test
    void aReferenceWithoutItsNumberMakesAnInvalidSampleNotAWrongAnswer(@TempDir Path dir) throws IOException {
        Path test = dir.resolve("test.jsonl");
        Files.writeString(test, String.join("\n",
                "{\"question\": \"Fine?\", \"answer\": \"2+2=4\\n#### 1,000.\"}",
                "{\"question\": \"No marker?\", \"answer\": \"It is 12.\"}",
                "{\"question\": \"Words?\", \"answer\": \"#### twelve\"}") + "\n");
        List<Sample> samples = new Gsm8kSource(test.toString(), test.toString(), 0, 1234, UNTIL, 256).load();
        assertNull(samples.get(0).invalid());
        assertEquals("1000", samples.get(0).target());
        assertEquals("sample gsm8k/test/1 (question 'No marker?'): the reference answer does not end with '#### N', "
                + "the number to compare: It is 12.", samples.get(1).invalid());
        assertTrue(samples.get(2).invalid().contains("gsm8k/test/2"), samples.get(2).invalid());
        ExactMatchScorer scorer = new ExactMatchScorer(AnswerExtractor.gsm8k());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> scorer.score(samples.get(1), List.of(Response.generation("#### 12"))));
        assertEquals(samples.get(1).invalid(), e.getMessage());
    }

    @Test
    void realDataFewShotChoiceIsDeterministicPerSeed() {
        Path gsm8k = SharedDatasets.require("gsm8k");
        String test = gsm8k.resolve("test.jsonl").toString();
        String train = gsm8k.resolve("train.jsonl").toString();
        List<Sample> a = new Gsm8kSource(test, train, 5, 1234, UNTIL, 256).load();
        List<Sample> b = new Gsm8kSource(test, train, 5, 1234, UNTIL, 256).load();
        List<Sample> c = new Gsm8kSource(test, train, 5, 99, UNTIL, 256).load();
        assertEquals(1319, a.size());
        assertEquals(a, b);
        assertNotEquals(context(a.get(0)), context(c.get(0)));
        assertEquals("18", a.get(0).target(), "Janet's ducks");
        assertTrue(context(a.get(0)).endsWith("\n\nQuestion: " + a.get(0).doc().get("question") + "\nAnswer:"));
        assertEquals(6, context(a.get(0)).split("Question: ", -1).length - 1, "5 examples + the question");
    }

    private static String context(Sample s) {
        return ((GenerateUntilRequest) s.requests().get(0)).context();
    }
}
