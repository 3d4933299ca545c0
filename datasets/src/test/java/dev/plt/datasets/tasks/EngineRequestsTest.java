package dev.plt.datasets.tasks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.plt.datasets.tasks.RollingWindows.Window;
import dev.plt.model.inference.ContinuationScore;
import dev.plt.model.inference.GenerationParams;
import dev.plt.model.inference.Scorer;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EngineRequestsTest {
    private static final TextEncoder CHARS = text -> text.chars().toArray();

    @Test
    void aMultipleChoiceSampleIsOneContextWithItsContinuations() {
        Sample s = Sample.multipleChoice("s", Map.of(), "Q? ", List.of("yes", "no"), 0, null, "Q?");
        Scorer.Request r = EngineRequests.loglikelihood(s, CHARS, OptionalInt.empty());
        assertArrayEquals("Q?".chars().toArray(), r.context(), "the trailing space moved");
        assertArrayEquals("  yes".chars().toArray(), r.continuations().get(0));
        assertArrayEquals("  no".chars().toArray(), r.continuations().get(1));

        List<Response> responses = EngineRequests.responses(List.of(new ContinuationScore(-1.5, true, 5),
                new ContinuationScore(-2.5, false, 4)));
        assertEquals(Response.loglikelihood(-1.5, true), responses.get(0));
    }

    @Test
    void generationIsGreedyWithTheStopStrings() {
        GenerationParams p = EngineRequests.generation(new GenerateUntilRequest("Q", List.of("\n\n"), 32));
        assertEquals(32, p.maxNewTokens());
        assertEquals(true, p.isGreedy());
        assertEquals(List.of("\n\n"), p.stopStrings());
        assertThrows(IllegalArgumentException.class, () -> EngineRequests.loglikelihood(new Sample("g", Map.of(),
                List.of(new GenerateUntilRequest("Q", List.of(), 1)), List.of(), -1, "1", null, "g"), CHARS,
                OptionalInt.empty()));
    }

    @Test
    void rollingWindowsPredictEveryTokenOnceWithinTheContextLength() {
        // Expected values computed with lm-eval's get_rolling_token_windows + make_disjoint_window
        // (context_len=1): 10 tokens, context length 4, prefix 99.
        int[] tokens = IntStream.range(0, 10).toArray();
        List<Window> w = RollingWindows.of(tokens, 99, 4);
        assertEquals(3, w.size());
        assertArrayEquals(new int[] {99}, w.get(0).context());
        assertArrayEquals(new int[] {0, 1, 2, 3}, w.get(0).continuation());
        assertArrayEquals(new int[] {3}, w.get(1).context());
        assertArrayEquals(new int[] {4, 5, 6, 7}, w.get(1).continuation());
        assertArrayEquals(new int[] {5, 6, 7}, w.get(2).context());
        assertArrayEquals(new int[] {8, 9}, w.get(2).continuation());
        for (Window window : w) {
            assertEquals(true, window.context().length + window.continuation().length - 1 <= 4);
        }
        List<Window> thirteen = RollingWindows.of(IntStream.range(0, 13).toArray(), 99, 4);
        assertArrayEquals(new int[] {7}, thirteen.get(2).context());
        assertArrayEquals(new int[] {8, 9, 10, 11}, thirteen.get(2).continuation());
        assertArrayEquals(new int[] {8, 9, 10, 11}, thirteen.get(3).context());
        assertArrayEquals(new int[] {12}, thirteen.get(3).continuation());
        assertEquals(List.of(), RollingWindows.of(new int[0], 99, 4));
        assertEquals(1, RollingWindows.of(new int[] {5, 6}, 99, 4).size(), "a short document is one window");
    }
}
