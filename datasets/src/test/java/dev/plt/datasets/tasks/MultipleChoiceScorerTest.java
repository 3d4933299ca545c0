package dev.plt.datasets.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.plt.datasets.tasks.metrics.SampleScore;
import dev.plt.datasets.tasks.scoring.MultipleChoiceScorer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MultipleChoiceScorerTest {
    private final MultipleChoiceScorer scorer = new MultipleChoiceScorer();

    private static Sample sample(List<String> choices, int gold) {
        return Sample.multipleChoice("s", Map.of(), "Question: q\nAnswer:", choices, gold, null, "q");
    }

    private static List<Response> lls(double... values) {
        return java.util.Arrays.stream(values).mapToObj(v -> Response.loglikelihood(v, false)).toList();
    }

    @Test
    void accPicksTheHighestSumAndAccNormDividesByChoiceLength() {
        // Sums: -2.0, -3.0, -4.5 -> argmax 0.
        // Per character (lengths 2, 4, 9, no leading space): -1.0, -0.75, -0.5 -> argmax 2.
        Sample s = sample(List.of("ab", "abcd", "abcdefghi"), 2);
        SampleScore score = scorer.score(s, lls(-2.0, -3.0, -4.5));
        assertEquals(0.0, score.metrics().get("acc").value());
        assertEquals(1.0, score.metrics().get("acc_norm").value());
        assertEquals("ab", score.prediction());

        SampleScore other = scorer.score(sample(List.of("ab", "abcd", "abcdefghi"), 0), lls(-2.0, -3.0, -4.5));
        assertEquals(1.0, other.metrics().get("acc").value());
        assertEquals(0.0, other.metrics().get("acc_norm").value());
    }

    @Test
    void requestsAreSpaceDelimitedChoicesOnTheSharedContext() {
        Sample s = sample(List.of("A", "B"), 1);
        assertEquals(new LoglikelihoodRequest("Question: q\nAnswer:", " A"), s.requests().get(0));
        assertEquals(new LoglikelihoodRequest("Question: q\nAnswer:", " B"), s.requests().get(1));
        assertEquals("B", s.target());
    }

    @Test
    void tiesGoToTheFirstChoiceAsNumpyArgmax() {
        assertEquals(1, MultipleChoiceScorer.argmax(new double[] {-3, -1, -1, -2}));
        SampleScore score = scorer.score(sample(List.of("x", "y"), 1), lls(-1.0, -1.0));
        assertEquals(0.0, score.metrics().get("acc").value());
    }

    @Test
    void lengthCountsCodePointsLikePythonLen() {
        double[] norm = MultipleChoiceScorer.normalised(new double[] {-4, -4}, List.of("\uD83D\uDE42a", "abcd"));
        assertEquals(-2.0, norm[0], "an emoji is one character in Python");
        assertEquals(-1.0, norm[1]);
    }
}
