package dev.plt.datasets.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.plt.datasets.tasks.metrics.SampleScore;
import dev.plt.datasets.tasks.scoring.AnswerExtractor;
import dev.plt.datasets.tasks.scoring.ExactMatchScorer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class Gsm8kScoringTest {
    private final AnswerExtractor extractor = AnswerExtractor.gsm8k();

    @Test
    void strictTakesTheFirstMarkedNumber() {
        assertEquals(Optional.of("72"), extractor.strict("48/2 = 24\n48+24 = 72\n#### 72"));
        assertEquals(Optional.of("1,000"), extractor.strict("#### 1,000 and later #### 5"));
        assertEquals(Optional.of("-5"), extractor.strict("so #### -5"));
        assertEquals(Optional.of("3.50"), extractor.strict("#### 3.50"));
        assertEquals(Optional.empty(), extractor.strict("The answer is 72."));
    }

    @Test
    void flexibleTakesTheLastNumber() {
        assertEquals(Optional.of("72"), extractor.flexible("24 + 48 = 72"));
        assertEquals(Optional.of("$1,234.50"), extractor.flexible("It costs $1,234.50."));
        assertEquals(Optional.of("-7"), extractor.flexible("from 3 down to -7"));
        assertEquals(Optional.of("5"), extractor.flexible("The answer is 5."), "a sentence's period is not a decimal");
        assertEquals(Optional.of("0.25"), extractor.flexible("a quarter, 0.25"));
        assertEquals(Optional.empty(), extractor.flexible("no digits here..."));
    }

    @Test
    void normaliseDropsCommasDollarsMarkerAndATrailingPeriod() {
        assertEquals("1000", AnswerExtractor.normalise("1,000"));
        assertEquals("1234.50", AnswerExtractor.normalise("$1,234.50"));
        assertEquals("18", AnswerExtractor.normalise("She makes 9 * 2 = $<<9*2=18>>18.\n#### 18"));
        assertEquals("5", AnswerExtractor.normalise("5."));
        assertEquals("-3", AnswerExtractor.normalise("-3"));
    }

    @Test
    void lmEvalsOwnFlexiblePatternIsConfigurable() {
        AnswerExtractor lmEval = new AnswerExtractor(AnswerExtractor.STRICT_GSM8K, "(-?[$0-9.,]{2,})|(-?[0-9]+)");
        assertEquals(Optional.of("$18"), lmEval.flexible("for 9 eggs she gets $18"));
        assertEquals(Optional.of("7"), lmEval.flexible("7"), "the second alternative, a lone digit");
    }

    @Test
    void exactMatchScoresStrictAndFlexibleAfterCuttingAtTheStopString() {
        Sample sample = new Sample("g/0", Map.of(), List.of(new GenerateUntilRequest("Question: q\nAnswer:",
                List.of("Question:", "\n\n"), 256)), List.of(), -1, "1000", null, "q");
        ExactMatchScorer scorer = new ExactMatchScorer(extractor);

        SampleScore both = scorer.score(sample, List.of(Response.generation(" 10 * 100 = 1,000\n#### 1,000")));
        assertEquals(1.0, both.metrics().get("exact_match_strict").value());
        assertEquals(1.0, both.metrics().get("exact_match_flexible").value());
        assertEquals("1000", both.prediction());

        SampleScore flexibleOnly = scorer.score(sample, List.of(Response.generation(" It is 1000.\n\nQuestion: #### 9")));
        assertEquals(0.0, flexibleOnly.metrics().get("exact_match_strict").value(), "#### 9 is past the stop");
        assertEquals(1.0, flexibleOnly.metrics().get("exact_match_flexible").value());

        SampleScore wrong = scorer.score(sample, List.of(Response.generation(" #### 999")));
        assertEquals(0.0, wrong.metrics().get("exact_match_strict").value());
        assertEquals(0.0, wrong.metrics().get("exact_match_flexible").value());
    }
}
