package dev.plt.datasets.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.datasets.tasks.gsm8k.Gsm8kConfig;
import dev.plt.datasets.tasks.metrics.SampleScore;
import dev.plt.datasets.tasks.scoring.ExactMatch;
import dev.plt.datasets.tasks.scoring.ExactMatchScorer;
import dev.plt.datasets.tasks.scoring.RegexFilter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * lm-eval gsm8k.yaml's filters and exact_match, case by case. Each expectation is worked out by hand from
 * lm-eval's semantics: {@code re.findall} then {@code [group_select]}, a tuple's first non-empty group,
 * {@code strip()}, fallback {@code "[invalid]"}; exact_match removes {@code ","}, {@code "\$"},
 * {@code "(?s).*#### "}, {@code "\.$"} in that order from both sides, lower-cases, and compares.
 */
class Gsm8kScoringTest {
    private static final RegexFilter STRICT = new RegexFilter("strict-match", Gsm8kConfig.STRICT, 0);
    private static final RegexFilter FLEXIBLE = new RegexFilter("flexible-extract", Gsm8kConfig.FLEXIBLE, -1);
    private static final String REFERENCE = "He pays 1,000 + 234 = $<<1000+234=1234>>1,234\n#### 1234";

    @Test
    void strictTakesTheFirstMarkedNumberWithItsPunctuation() {
        assertEquals("1,234.", STRICT.apply("3 + 4 = 7\n#### 1,234."));
        assertEquals("5", STRICT.apply("#### 5 and later #### 6"));
        assertEquals("-5", STRICT.apply("so #### -5"));
        assertEquals("[invalid]", STRICT.apply("The answer is 72."), "no '####': the fallback");
        assertEquals("[invalid]", STRICT.apply("####72"), "the pattern wants one space");
    }

    @Test
    void flexibleTakesTheLastMatchOfEitherAlternative() {
        assertEquals("72.", FLEXIBLE.apply("The answer is 72."), "the period is in the character class");
        assertEquals("$1,234.50.", FLEXIBLE.apply("It costs $1,234.50."));
        assertEquals("5", FLEXIBLE.apply("Wait... so 5"), "'...' matches too, but 5 is later");
        assertEquals("7", FLEXIBLE.apply("7"), "a lone digit: the second alternative");
        assertEquals("-7", FLEXIBLE.apply("from 3 down to -7"));
        assertEquals("[invalid]", FLEXIBLE.apply("no digits here"));
        assertEquals("...", FLEXIBLE.apply("3 and then..."), "lm-eval's quirk: a run of dots is a match");
    }

    @Test
    void exactMatchNormalisesBothSidesAsTheYamlSays() {
        ExactMatch em = ExactMatch.GSM8K;
        assertEquals("1234", em.normalise(REFERENCE), "everything up to the last '#### ' goes");
        assertEquals("1234", em.normalise("1,234."));
        assertEquals("1234.50", em.normalise("$1,234.50."));
        assertEquals("5..", em.normalise("5..."), "one trailing period only");
        assertEquals("[invalid]", em.normalise("[invalid]"));
        assertEquals(" 12", em.normalise(" 12"), "nothing is stripped");
        assertEquals("abc", em.normalise("ABC"), "ignore_case");
        assertTrue(new ExactMatch(List.of(), false, true).matches("a.b!", "ab"), "ignore_punctuation");
        assertFalse(new ExactMatch(List.of(), false, false).matches("a.b!", "ab"));
    }

    @Test
    void scorerGivesOneExactMatchPerFilterAgainstTheWholeSolution() {
        Sample sample = new Sample("g/0", Map.of(), List.of(new GenerateUntilRequest("Question: q\nAnswer:",
                Gsm8kConfig.UNTIL, 256)), List.of(), -1, REFERENCE, null, "q");
        ExactMatchScorer scorer = Gsm8kConfig.scorer(Gsm8kConfig.STRICT, Gsm8kConfig.FLEXIBLE);
        assertEquals(List.of("strict-match", "flexible-extract"), scorer.filters());
        assertEquals(new LmEvalKey("exact_match", "strict-match"), scorer.lmEvalKey("exact_match_strict"));
        assertEquals("exact_match_stderr,flexible-extract", scorer.lmEvalKey("exact_match_flexible").stderrKey());

        SampleScore both = scorer.score(sample, List.of(Response.generation(" 1000 + 234 = 1,234\n#### 1,234.")));
        assertEquals(1.0, both.metrics().get("exact_match_strict").value());
        assertEquals(1.0, both.metrics().get("exact_match_flexible").value());
        assertEquals("1,234.", both.prediction());

        SampleScore flexibleOnly = scorer.score(sample, List.of(Response.generation(" It is 1234.\n\nQuestion: #### 9")));
        assertEquals(0.0, flexibleOnly.metrics().get("exact_match_strict").value(), "#### 9 is past the stop");
        assertEquals(1.0, flexibleOnly.metrics().get("exact_match_flexible").value());
        assertEquals("[invalid]", scorer.filtered("strict-match", sample, " It is 1234.\n\nQuestion: #### 9"));
        assertEquals("1234.", scorer.filtered("flexible-extract", sample, " It is 1234.\n\nQuestion: #### 9"));
        assertEquals("1234.", flexibleOnly.prediction(), "the first filter's answer that is not [invalid]");

        SampleScore wrong = scorer.score(sample, List.of(Response.generation(" #### 1234\nso 5...")));
        assertEquals(1.0, wrong.metrics().get("exact_match_strict").value());
        assertEquals(0.0, wrong.metrics().get("exact_match_flexible").value(), "the last match is '5...'");
    }
}
