package dev.plt.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.datasets.tasks.chase.ChaseExample;
import dev.plt.datasets.tasks.chase.ChaseGenerator;
import dev.plt.datasets.tasks.chase.ChaseOrder;
import dev.plt.trainer.model.PltArchitecture;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChaseCorpusTest {

    @Test
    void theLossCountsTheAnswerLettersOnlyInBothOrders() {
        for (ChaseOrder order : ChaseOrder.values()) {
            Batch b = new ChaseCorpus(order, 1, 4).sample(new Random(5), 6, 32);
            assertEquals(6 * 8, b.countedTokens(), "8 answers per example");
            for (int r = 0; r < b.rows(); r++) {
                for (int t = 0; t < 32; t++) {
                    int i = r * 32 + t;
                    if (t + 1 < 32) {
                        assertEquals(b.targets()[i], b.inputs()[i + 1], "targets are the inputs shifted by one");
                    }
                    boolean answer = t >= 9 && (t - 9) % 3 == 1; // the answer is token t + 1 = 9 + 3j + 2
                    assertEquals(answer ? 1f : 0f, b.weights()[i], order + " position " + t);
                    if (answer) {
                        char target = (char) b.targets()[i];
                        assertTrue(target >= 'a' && target <= 'i', "answer letters only: " + target);
                        char atPrediction = (char) b.inputs()[i];
                        assertEquals(order == ChaseOrder.QH, atPrediction == '1' || atPrediction == '2',
                                order + ": the hop digit is at the prediction position only for qh");
                    }
                }
            }
        }
    }

    @Test
    void freshExamplesEveryStepFixedByTheSeed() {
        ChaseCorpus corpus = new ChaseCorpus(ChaseOrder.QH, 1, 4);
        Random random = new Random(11);
        Batch first = corpus.sample(random, 8, 32);
        Batch second = corpus.sample(random, 8, 32);
        assertFalse(java.util.Arrays.equals(first.inputs(), second.inputs()), "a new batch each step");
        ChaseCorpus again = new ChaseCorpus(ChaseOrder.QH, 1, 4);
        Random sameSeed = new Random(11);
        assertArrayEquals(first.inputs(), again.sample(sameSeed, 8, 32).inputs());
        assertArrayEquals(second.inputs(), again.sample(sameSeed, 8, 32).inputs());
    }

    @Test
    void theProbeIsTheTaskTestSetGroupedByHop() {
        ChaseCorpus corpus = new ChaseCorpus(ChaseOrder.HQ, 3, 5);
        List<ChaseExample> test = ChaseGenerator.generate(3, "test", 5, ChaseOrder.HQ);
        List<AnswerProbe.ProbeBatch> batches = corpus.probeBatches(2, 40);
        assertEquals(3, batches.size(), "5 examples in batches of 2");
        assertEquals(List.of("hop_1", "hop_2"), corpus.groups());
        int example = 0;
        for (AnswerProbe.ProbeBatch pb : batches) {
            Batch b = pb.batch();
            for (int r = 0; r < b.rows(); r++, example++) {
                ChaseExample e = test.get(example);
                for (int t = 0; t < 40; t++) {
                    int i = r * 40 + t;
                    long expectedInput = t < 32 ? e.text().charAt(t) : PltArchitecture.EOS_ID;
                    assertEquals(expectedInput, b.inputs()[i], "inputs, padded with EOS past the example");
                    int j = (t - 9) / 3;
                    boolean answer = t >= 9 && t < 32 && (t - 9) % 3 == 1;
                    assertEquals(answer ? e.queries().get(j).hops() - 1 : -1, pb.group()[i]);
                    assertEquals(answer ? 1f : 0f, b.weights()[i], "padding never counts");
                }
            }
        }
        assertEquals(corpus.validation(2, 40).size(), 3);
    }

    @Test
    void aWindowShorterThanAnExampleIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ChaseCorpus(ChaseOrder.QH, 1, 4).sample(new Random(1), 2, 31));
        assertTrue(e.getMessage().contains("seq_len must be >= 32"), e.getMessage());
    }
}
