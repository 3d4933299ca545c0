package dev.plt.datasets.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.datasets.tasks.mc.ChoiceFields;
import dev.plt.datasets.tasks.mc.MultipleChoiceJsonlSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultipleChoiceJsonlTest {
    private static final String PROMPT = "Question: {question}\nAnswer:";

    @Test
    void arcRowsWithNestedChoicesAndLetterOrDigitLabels(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("arc.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"id\": \"Q1\", \"question\": \"Which is a gas?\", \"choices\": {\"text\": [\"ice\", \"steam\", \"rock\"],"
                        + " \"label\": [\"A\", \"B\", \"C\"]}, \"answerKey\": \"B\"}",
                "{\"id\": \"Q2\", \"question\": \"Pick four\", \"choices\": {\"text\": [\"3\", \"4\"],"
                        + " \"label\": [\"1\", \"2\"]}, \"answerKey\": \"2\"}") + "\n");
        ChoiceFields arc = new ChoiceFields("question", "choices.text", "choices.label", "answerKey", "auto", "id");

        List<Sample> samples = new MultipleChoiceJsonlSource(file.toString(), PROMPT, arc).load();

        Sample q1 = samples.get(0);
        assertEquals("Q1", q1.id());
        assertEquals(new LoglikelihoodRequest("Question: Which is a gas?\nAnswer:", " steam"), q1.requests().get(1));
        assertEquals(List.of("ice", "steam", "rock"), q1.choices());
        assertEquals(1, q1.gold());
        assertEquals(1, samples.get(1).gold(), "label '2' is the second label, not index 2");
    }

    @Test
    void hellaswagRowsWithAStringIndex(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("hs.jsonl");
        Files.writeString(file, "{\"ctx\": \"A man sits\", \"endings\": [\"down.\", \"up.\"], \"label\": \"1\"}\n");
        ChoiceFields hs = new ChoiceFields("ctx", "endings", null, "label", "auto", null);
        Sample s = new MultipleChoiceJsonlSource(file.toString(), "{question}", hs).load().get(0);
        assertEquals(new LoglikelihoodRequest("A man sits", " up."), s.requests().get(1));
        assertEquals(1, s.gold());
        assertEquals("0", s.id());
    }

    @Test
    void aGoldOutsideTheChoicesNamesTheRow(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, "{\"question\": \"q\", \"choices\": [\"a\", \"b\"], \"gold\": 5}\n");
        ChoiceFields flat = new ChoiceFields("question", "choices", null, "gold", "auto", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MultipleChoiceJsonlSource(file.toString(), PROMPT, flat).load());
        assertTrue(e.getMessage().contains("row 0"), e.getMessage());
    }
}
