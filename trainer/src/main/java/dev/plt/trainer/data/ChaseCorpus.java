package dev.plt.trainer.data;

import dev.plt.datasets.tasks.chase.ChaseAlphabet;
import dev.plt.datasets.tasks.chase.ChaseExample;
import dev.plt.datasets.tasks.chase.ChaseGenerator;
import dev.plt.datasets.tasks.chase.ChaseOrder;
import dev.plt.trainer.model.PltArchitecture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Compact pointer chasing ({@link ChaseGenerator}) as training data: fresh examples every step from the
 * task's train split, the loss on the answer letters only (each predicted at the position before it).
 * The held-out set is the first {@code testExamples} examples of the test split for {@code testSeed},
 * the same examples {@code bin/plt evaluate --task chase} scores with the engine for that seed and n.
 *
 * <p>A window holds one example ({@value ChaseGenerator#EXAMPLE_TOKENS} tokens, so seq_len
 * {@code EXAMPLE_TOKENS - 1} predictions); a longer window is padded with weight-0 end-of-text tokens.
 */
public final class ChaseCorpus implements TrainingData, AnswerProbe {
    public static final int MIN_LENGTH = ChaseGenerator.EXAMPLE_TOKENS - 1;

    private final ChaseOrder order;
    private final long testSeed;
    private final int testExamples;
    private ChaseGenerator train;

    public ChaseCorpus(ChaseOrder order, long testSeed, int testExamples) {
        if (testExamples < 1) {
            throw new IllegalArgumentException("data.chase.test_examples must be >= 1, got " + testExamples);
        }
        this.order = order;
        this.testSeed = testSeed;
        this.testExamples = testExamples;
    }

    /**
     * Fresh training examples. The endless train-split stream is seeded from the first call's
     * {@code random} (the trainer's, seeded by the run's seed), so a run's data is fixed by its seed.
     */
    @Override
    public Batch sample(Random random, int rows, int length) {
        checkLength(length);
        if (train == null) {
            train = new ChaseGenerator(random.nextLong(), "train", order);
        }
        List<ChaseExample> examples = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            examples.add(train.next());
        }
        return encode(examples, length).batch();
    }

    @Override
    public List<Batch> validation(int rows, int length) {
        return probeBatches(rows, length).stream().map(ProbeBatch::batch).toList();
    }

    @Override
    public List<String> groups() {
        List<String> groups = new ArrayList<>();
        for (int h = 1; h <= ChaseGenerator.MAX_HOPS; h++) {
            groups.add("hop_" + h);
        }
        return groups;
    }

    @Override
    public int[] candidates() {
        int[] letters = new int[ChaseAlphabet.VARIABLES];
        for (int v = 0; v < letters.length; v++) {
            letters[v] = ChaseAlphabet.letter(v);
        }
        return letters;
    }

    @Override
    public List<ProbeBatch> probeBatches(int rows, int length) {
        checkLength(length);
        List<ChaseExample> test = ChaseGenerator.generate(testSeed, "test", testExamples, order);
        List<ProbeBatch> batches = new ArrayList<>();
        for (int first = 0; first < test.size(); first += rows) {
            batches.add(encode(test.subList(first, Math.min(test.size(), first + rows)), length));
        }
        return batches;
    }

    @Override
    public String describe() {
        return "compact pointer chasing, order " + order.key() + ", fresh training examples every step; held out: "
                + testExamples + " test examples of seed " + testSeed + " (" + testExamples * ChaseGenerator.QUERIES
                + " queries)";
    }

    /** Position t predicts token t + 1; it counts (in group hop - 1) when token t + 1 is an answer letter. */
    static ProbeBatch encode(List<ChaseExample> examples, int length) {
        int rows = examples.size();
        long[] inputs = new long[rows * length];
        long[] targets = new long[rows * length];
        float[] weights = new float[rows * length];
        int[] group = new int[rows * length];
        Arrays.fill(inputs, PltArchitecture.EOS_ID);
        Arrays.fill(targets, PltArchitecture.EOS_ID);
        Arrays.fill(group, -1);
        for (int r = 0; r < rows; r++) {
            ChaseExample e = examples.get(r);
            String text = e.text();
            int base = r * length;
            for (int t = 0; t + 1 < text.length(); t++) {
                inputs[base + t] = text.charAt(t);
                targets[base + t] = text.charAt(t + 1);
            }
            for (int j = 0; j < e.queries().size(); j++) {
                int t = e.answerIndex(j) - 1;
                weights[base + t] = 1f;
                group[base + t] = e.queries().get(j).hops() - 1;
            }
        }
        return new ProbeBatch(new Batch(rows, length, inputs, targets, weights), group);
    }

    private static void checkLength(int length) {
        if (length < MIN_LENGTH) {
            throw new IllegalArgumentException("training.seq_len must be >= " + MIN_LENGTH
                    + " for pointer chasing (an example is " + ChaseGenerator.EXAMPLE_TOKENS + " tokens), got " + length);
        }
    }
}
