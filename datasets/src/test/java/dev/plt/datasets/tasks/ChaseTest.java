package dev.plt.datasets.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.datasets.SharedDatasets;
import dev.plt.datasets.tasks.chase.ChaseAlphabet;
import dev.plt.datasets.tasks.chase.ChaseExample;
import dev.plt.datasets.tasks.chase.ChaseGenerator;
import dev.plt.datasets.tasks.chase.ChaseOrder;
import dev.plt.datasets.tasks.chase.ChaseQuery;
import dev.plt.datasets.tasks.chase.ChaseSource;
import dev.plt.datasets.tasks.registry.TaskRegistry;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The compact pointer-chasing task: every rule of its definition, checked by re-solving the text. */
class ChaseTest {

    /** The successor map the facts of an example write (from the pair characters alone). */
    private static Map<Character, Character> successors(String facts) {
        Map<Character, Character> next = new HashMap<>();
        for (char c : facts.toCharArray()) {
            int[] pair = ChaseAlphabet.unpair(c);
            assertEquals(null, next.put(ChaseAlphabet.letter(pair[0]), ChaseAlphabet.letter(pair[1])),
                    "each variable points to one other: " + facts);
        }
        return next;
    }

    @Test
    void seventyTwoDistinctPrintablePairCharactersNoneReserved() {
        String chars = ChaseAlphabet.pairChars();
        assertEquals(72, chars.length());
        assertEquals(72, chars.chars().distinct().count());
        for (char c : chars.toCharArray()) {
            assertTrue(c > ' ' && c < 127, "printable ASCII: " + (int) c);
            assertEquals(-1, "|.1234567abcdefghi\"\\".indexOf(c), "reserved character used: " + c);
        }
        Set<Character> seen = new HashSet<>();
        for (int k = 0; k < 9; k++) {
            for (int v = 0; v < 9; v++) {
                if (k != v) {
                    char c = ChaseAlphabet.pair(k, v);
                    assertTrue(seen.add(c), "one character per ordered pair");
                    int[] back = ChaseAlphabet.unpair(c);
                    assertEquals(k, back[0]);
                    assertEquals(v, back[1]);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> ChaseAlphabet.pair(3, 3));
    }

    @Test
    void factsAreOneEightCycleAndAnswersFollowItNeverBackToTheQuery() {
        for (ChaseOrder order : ChaseOrder.values()) {
            for (ChaseExample e : ChaseGenerator.generate(5, "train", 300, order)) {
                assertEquals(8, e.facts().length());
                Map<Character, Character> next = successors(e.facts());
                // Walking from any variable returns to it after exactly 8 steps, visiting all 8: one cycle.
                char start = e.facts().isEmpty() ? 'a' : next.keySet().iterator().next();
                Set<Character> visited = new HashSet<>();
                char v = start;
                do {
                    assertTrue(visited.add(v), "no shorter cycle: " + e.facts());
                    v = next.get(v);
                } while (v != start);
                assertEquals(8, visited.size(), e.facts());
                assertEquals(next.keySet(), new HashSet<>(next.values()), "a permutation of its 8 variables");
                assertEquals(8, e.queries().size());
                for (ChaseQuery q : e.queries()) {
                    assertTrue(next.containsKey(q.query()), "queries ask about cycle variables");
                    assertTrue(q.hops() == 1 || q.hops() == 2);
                    char a = q.query();
                    for (int h = 0; h < q.hops(); h++) {
                        a = next.get(a);
                    }
                    assertEquals(a, q.answer(), e.text());
                    assertNotEquals(q.query(), q.answer(), "the answer is never q itself");
                }
            }
        }
    }

    @Test
    void bothOrdersRenderTheSameQueriesAtTheirPositions() {
        ChaseExample qh = ChaseGenerator.generate(9, "test", 1, ChaseOrder.QH).get(0);
        ChaseExample hq = ChaseGenerator.generate(9, "test", 1, ChaseOrder.HQ).get(0);
        assertEquals(qh.facts(), hq.facts(), "the order only renders the queries");
        assertEquals(qh.queries(), hq.queries());
        assertEquals(ChaseGenerator.EXAMPLE_TOKENS, qh.text().length());
        assertEquals(33, qh.text().length());
        assertEquals('|', qh.text().charAt(8));
        for (int j = 0; j < 8; j++) {
            ChaseQuery q = qh.queries().get(j);
            int at = 9 + 3 * j;
            assertEquals("" + q.query() + q.hops() + q.answer(), qh.text().substring(at, at + 3));
            assertEquals("" + q.hops() + q.query() + q.answer(), hq.text().substring(at, at + 3));
            assertEquals(at + 2, qh.answerIndex(j));
            assertEquals(qh.text().substring(0, at + 2), qh.contextBeforeAnswer(j));
        }
        assertTrue(qh.text().matches("[^|]{8}\\|([a-i][12][a-i]){8}"), qh.text());
        assertTrue(hq.text().matches("[^|]{8}\\|([12][a-i][a-i]){8}"), hq.text());
    }

    @Test
    void sameSeedSameExamplesOtherSeedOthers() {
        assertEquals(ChaseGenerator.generate(3, "train", 50, ChaseOrder.QH),
                ChaseGenerator.generate(3, "train", 50, ChaseOrder.QH));
        assertNotEquals(ChaseGenerator.generate(3, "train", 50, ChaseOrder.QH),
                ChaseGenerator.generate(4, "train", 50, ChaseOrder.QH));
        ChaseGenerator stream = new ChaseGenerator(3, "train", ChaseOrder.QH);
        assertEquals(ChaseGenerator.generate(3, "train", 2, ChaseOrder.QH), List.of(stream.next(), stream.next()),
                "generate is the start of the stream");
    }

    @Test
    void splitsAreDisjointByCycleWhateverTheSeedsAndFactOrder() {
        Set<String> trainCycles = new HashSet<>();
        for (long seed : new long[] {1, 2, 3}) {
            for (ChaseExample e : ChaseGenerator.generate(seed, "train", 5000, ChaseOrder.QH)) {
                trainCycles.add(sorted(e.facts()));
                assertEquals("train", ChaseGenerator.splitOf(e.facts()));
            }
        }
        List<ChaseExample> test = ChaseGenerator.generate(1, "test", 2000, ChaseOrder.HQ);
        for (ChaseExample e : test) {
            assertFalse(trainCycles.contains(sorted(e.facts())), "test cycle in train: " + e.facts());
            String reversed = new StringBuilder(e.facts()).reverse().toString();
            assertEquals("test", ChaseGenerator.splitOf(reversed), "the split ignores the fact order");
        }
        // About a tenth of the 45,360 cycles are test cycles: the test set is not a handful repeated.
        assertTrue(test.stream().map(e -> sorted(e.facts())).distinct().count() > 1500);
    }

    @Test
    void sourceMakesOneNineWayChoicePerQueryWithTheExampleSoFarAsContext() {
        List<Sample> samples = new ChaseSource(1, "test", 4, "hq").load();
        assertEquals(32, samples.size());
        List<ChaseExample> examples = ChaseGenerator.generate(1, "test", 4, ChaseOrder.HQ);
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            ChaseExample e = examples.get(i / 8);
            ChaseQuery q = e.queries().get(i % 8);
            assertEquals(ChaseSource.LETTERS, s.choices());
            assertEquals(9, s.requests().size());
            assertEquals("hop_" + q.hops(), s.subject());
            assertEquals(String.valueOf(q.answer()), s.choices().get(s.gold()));
            for (int c = 0; c < 9; c++) {
                LoglikelihoodRequest r = (LoglikelihoodRequest) s.requests().get(c);
                assertEquals(e.contextBeforeAnswer(i % 8), r.context());
                assertEquals(String.valueOf((char) ('a' + c)), r.continuation(), "bare letters, no delimiter");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new ChaseSource(1, "test", 4, "qq"));
        assertThrows(IllegalArgumentException.class, () -> new ChaseSource(1, "dev", 4, "qh"));
    }

    @Test
    void theRegistryBuildsTheTaskFromItsFileWithTheOrderOption() {
        TaskRegistry registry = TaskRegistry.forProject(SharedDatasets.projectRoot());
        Task task = registry.create("chase", Map.of("order", "hq", "n", "2"));
        assertEquals(16, task.samples().size());
        assertEquals(new ChaseSource(1, "test", 2, "hq").load(), task.samples());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> registry.create("chase", Map.of("order", "ab")));
        assertTrue(bad.getMessage().contains("option order=ab: expected one of qh, hq"), bad.getMessage());
    }

    private static String sorted(String facts) {
        char[] c = facts.toCharArray();
        java.util.Arrays.sort(c);
        return new String(c);
    }
}
