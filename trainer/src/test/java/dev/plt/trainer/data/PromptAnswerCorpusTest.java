package dev.plt.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.trainer.model.PltArchitecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptAnswerCorpusTest {
    private static final int EOS = PltArchitecture.EOS_ID;

    @Test
    void onlyAnswerTokensAndTheEosCount() {
        List<long[]> in = new ArrayList<>();
        List<long[]> out = new ArrayList<>();
        List<float[]> w = new ArrayList<>();
        PromptAnswerCorpus.window(PromptAnswerCorpus.encode("1+2=", "3"), 8, in, out, w);
        // tokens: '1' '+' '2' '=' '3' EOS; position t predicts token t + 1.
        assertArrayEquals(new long[] {'1', '+', '2', '=', '3', EOS, EOS, EOS}, in.get(0));
        assertArrayEquals(new long[] {'+', '2', '=', '3', EOS, EOS, EOS, EOS}, out.get(0));
        assertArrayEquals(new float[] {0, 0, 0, 1, 1, 0, 0, 0}, w.get(0), "answer '3' and EOS only; padding off");
    }

    @Test
    void aLongExampleKeepsItsAnswerAndLosesThePromptStart() {
        List<long[]> in = new ArrayList<>();
        List<long[]> out = new ArrayList<>();
        List<float[]> w = new ArrayList<>();
        PromptAnswerCorpus.window(PromptAnswerCorpus.encode("abcdefgh", "XY"), 4, in, out, w);
        // tokens ... 'g' 'h' 'X' 'Y' EOS: the last 5 make the window.
        assertArrayEquals(new long[] {'g', 'h', 'X', 'Y'}, in.get(0));
        assertArrayEquals(new long[] {'h', 'X', 'Y', EOS}, out.get(0));
        assertArrayEquals(new float[] {0, 1, 1, 1}, w.get(0));
    }

    @Test
    void readsJsonlHoldsOutTheTailAndRejectsBadLines(@TempDir Path dir) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            lines.append("{\"prompt\": \"").append(i).append("+1=\", \"answer\": \"").append(i + 1).append("\"}\n");
        }
        Path file = Files.writeString(dir.resolve("qa.jsonl"), lines);
        PromptAnswerCorpus corpus = new PromptAnswerCorpus(file, 0.2);
        assertEquals(2, corpus.validation(8, 8).get(0).rows(), "two examples held out");
        Batch b = corpus.sample(new Random(1), 4, 8);
        assertEquals(4, b.rows());
        assertTrue(b.countedTokens() >= 8, "each row counts its answer and EOS");

        Path bad = Files.writeString(dir.resolve("bad.jsonl"), "{\"prompt\": \"x\"}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PromptAnswerCorpus(bad, 0));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }
}
