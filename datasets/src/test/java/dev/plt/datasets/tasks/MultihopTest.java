package dev.plt.datasets.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.datasets.tasks.multihop.MultihopGenerator;
import dev.plt.datasets.tasks.multihop.MultihopProblem;
import dev.plt.datasets.tasks.multihop.MultihopSource;
import dev.plt.datasets.tasks.multihop.MultihopSpec;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MultihopTest {
    private static final Pattern STATEMENT = Pattern.compile("([a-z]+)=([a-z]+|[0-9])\\.");
    private static final Pattern QUESTION = Pattern.compile("What is ([a-z]+)\\? Answer:$");

    /** Resolves a prompt by following assignments; returns {answer, lookups}. */
    private static int[] solve(String prompt) {
        Map<String, String> bindings = new HashMap<>();
        Matcher m = STATEMENT.matcher(prompt);
        while (m.find()) {
            assertEquals(null, bindings.put(m.group(1), m.group(2)), "each variable is assigned once");
        }
        Matcher q = QUESTION.matcher(prompt);
        assertTrue(q.find(), prompt);
        String value = q.group(1);
        int lookups = 0;
        while (!Character.isDigit(value.charAt(0))) {
            value = bindings.get(value);
            lookups++;
        }
        return new int[] {Integer.parseInt(value), lookups};
    }

    @Test
    void theAnswerTakesExactlyHopsLookups() {
        for (int hops = 1; hops <= 6; hops++) {
            for (MultihopProblem p : MultihopGenerator.generate(new MultihopSpec(7, "test", 50, hops, 4))) {
                int[] solved = solve(p.prompt());
                assertEquals(p.answer(), solved[0], p.prompt());
                assertEquals(hops, solved[1], p.prompt());
                assertEquals(hops * 4, p.prompt().chars().filter(c -> c == '=').count(), "4 chains of `hops` statements");
                assertTrue(p.prompt().chars().allMatch(c -> c >= 32 && c < 127), "printable ASCII");
            }
        }
    }

    @Test
    void exampleFormat() {
        MultihopProblem p = MultihopGenerator.generate(new MultihopSpec(1, "test", 1, 2, 2)).get(0);
        assertTrue(p.prompt().matches("([a-z]=[a-z0-9]\\. ){4}What is [a-z]\\? Answer:"), p.prompt());
        assertEquals(" " + p.answer(), p.answerText());
    }

    @Test
    void sameArgumentsSameProblemsAndOtherSeedsOtherProblems() {
        MultihopSpec spec = new MultihopSpec(42, "train", 100, 3, 4);
        assertEquals(MultihopGenerator.generate(spec), MultihopGenerator.generate(spec));
        assertNotEquals(MultihopGenerator.generate(spec),
                MultihopGenerator.generate(new MultihopSpec(43, "train", 100, 3, 4)));
    }

    @Test
    void splitsAreDisjointWhateverTheSeeds() {
        // hops=1 with 2 chains is the smallest problem space, where collisions would show first.
        Set<String> train = new HashSet<>();
        for (long seed : new long[] {1, 2}) {
            MultihopGenerator.generate(new MultihopSpec(seed, "train", 3000, 1, 2)).forEach(p -> train.add(p.prompt()));
        }
        List<MultihopProblem> test = MultihopGenerator.generate(new MultihopSpec(1, "test", 1000, 1, 2));
        for (MultihopProblem p : test) {
            assertTrue(!train.contains(p.prompt()), "test prompt in train: " + p.prompt());
            assertEquals("test", MultihopGenerator.splitOf(p.prompt()));
        }
    }

    @Test
    void answersCoverTheDigits() {
        Set<Integer> answers = new HashSet<>();
        MultihopGenerator.generate(new MultihopSpec(3, "test", 300, 2, 4)).forEach(p -> answers.add(p.answer()));
        assertEquals(10, answers.size());
    }

    @Test
    void manyVariablesUseTwoLetterNames() {
        MultihopProblem p = MultihopGenerator.generate(new MultihopSpec(5, "test", 1, 10, 4)).get(0);
        assertEquals(p.answer(), solve(p.prompt())[0]);
        assertEquals(10, solve(p.prompt())[1]);
    }

    @Test
    void sourceMakesTenWayChoiceSamplesWithOneSubjectPerDepth() {
        List<Sample> samples = new MultihopSource(1, "test", 5, List.of(1, 3), 4).load();
        assertEquals(10, samples.size());
        assertEquals("hops_1", samples.get(0).subject());
        assertEquals("hops_3", samples.get(9).subject());
        Sample s = samples.get(0);
        assertEquals(10, s.requests().size());
        assertEquals(" 0", ((LoglikelihoodRequest) s.requests().get(0)).continuation());
        assertEquals(s.doc().get("answer"), Integer.toString(s.gold()));
    }

    @Test
    void badSpecsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new MultihopSpec(1, "dev", 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new MultihopSpec(1, "test", 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new MultihopSpec(1, "test", 1, 1, 11));
    }
}
