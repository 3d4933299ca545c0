package dev.plt.datasets.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SampleLimitTest {

    /** {@code counts[i]} samples of subject "s{i}", subjects in order (null subject when {@code subject} is false). */
    private static List<Sample> samples(boolean subject, int... counts) {
        List<Sample> out = new ArrayList<>();
        for (int s = 0; s < counts.length; s++) {
            for (int i = 0; i < counts[s]; i++) {
                out.add(Sample.multipleChoice("s" + s + "/" + i, Map.of(), "q", List.of("A", "B"), 0,
                        subject ? "s" + s : null, "q"));
            }
        }
        return out;
    }

    private static List<String> ids(List<Sample> samples) {
        return samples.stream().map(Sample::id).toList();
    }

    @Test
    void aWholeNumberLimitsEachSubjectLikeLmEvalLimitsEachSubtask() {
        List<Sample> kept = SampleLimit.parse("2").apply(samples(true, 5, 1, 3));
        assertEquals(List.of("s0/0", "s0/1", "s1/0", "s2/0", "s2/1"), ids(kept));
    }

    @Test
    void aFractionTakesTheCeilingOfItsShareOfEachSubject() {
        // ceil(0.1 * 25) = 3, ceil(0.1 * 1) = 1, ceil(0.1 * 10) = 1
        List<Sample> kept = SampleLimit.parse("0.1").apply(samples(true, 25, 1, 10));
        assertEquals(List.of("s0/0", "s0/1", "s0/2", "s1/0", "s2/0"), ids(kept));
        assertEquals(3, new SampleLimit(0.5).count(5), "ceil(2.5)");
        assertEquals(0.1, SampleLimit.parse("0.1").asNumber());
        assertEquals(7L, SampleLimit.parse("7").asNumber());
    }

    @Test
    void withoutSubjectsTheTaskIsOneGroup() {
        assertEquals(List.of("s0/0", "s0/1", "s0/2", "s0/3"), ids(SampleLimit.parse("4").apply(samples(false, 10))));
        assertEquals(3, SampleLimit.parse("0.25").apply(samples(false, 10)).size(), "ceil(2.5)");
        assertEquals(10, SampleLimit.parse("1000").apply(samples(false, 10)).size());
        assertEquals(1, SampleLimit.parse("1").apply(samples(false, 10)).size(), "1 is a count, not 100%");
    }

    @Test
    void badLimitsAreRejectedWithWhatIsAccepted() {
        for (String bad : List.of("0", "-1", "2.5", "abc", "NaN", "Infinity", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SampleLimit.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("must be a whole number >= 1 or a fraction between 0 and 1, got"),
                    e.getMessage());
        }
    }
}
