package dev.plt.trainer.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.plt.model.config.ConfigLoader;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.io.DType;
import dev.plt.model.reference.ReferenceForward;
import dev.plt.model.checkpoint.RandomCheckpoint;
import dev.plt.model.checkpoint.RandomCheckpoint.Spec;
import dev.plt.model.weights.WeightLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The PyTorch peer against the engine's {@code ReferenceForward} (the spec's equations recomputed from
 * scratch over the whole sequence, sharing no code with the peer): on random checkpoints written by
 * {@link RandomCheckpoint}, the peer's prefill logits at every prompt position and the logits of
 * {@value #STEPS} greedy CLP decode steps must equal the reference within 1e-4, and the greedy tokens
 * must be the reference's argmax. Prompts are longer than the G-SWA window (the window cuts keys off and
 * the ring wraps), except in one case where the window is still filling when decoding starts.
 */
class PeerDecoderParityTest {
    private static final double TOLERANCE = 1e-4;
    private static final int STEPS = 6;
    private static final int BATCH = 2;

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    static Stream<Arguments> families() {
        Spec plt2 = Spec.small();   // PLT-2, G-SWA query gate, w = 3, GQA 4:2
        return Stream.of(
                Arguments.of("non-loop", plt2.withLoops(1, "parallel"), 9),
                Arguments.of("PLT-2 G-SWA query gate w=3", plt2, 9),
                Arguments.of("PLT-2 G-SWA hidden gate w=2", plt2.withSharing(true, true, true, 2), 9),
                Arguments.of("PLT-2 hidden gate, window still filling at prefill (w=8, prompt 4)",
                        plt2.withSharing(true, true, true, 8), 4),
                Arguments.of("PLT-2 kv-share only", plt2.withSharing(true, false, false, 3), 7),
                Arguments.of("PLT-3 query gate, scales + per-loop norm, bias + tied, bf16",
                        plt2.withLoops(3, "parallel").withScales(0.707, 0.4, true)
                                .withFormat(true, true, DType.BF16, 5, 1), 8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void prefillAndDecodeMatchTheReference(String family, Spec spec, int promptLength, @TempDir Path dir) {
        RandomCheckpoint.write(dir, spec);
        ModelConfig config = ConfigLoader.load(dir);
        ReferenceForward reference = new ReferenceForward(config, WeightLoader.load(dir, config, true));
        int vocab = spec.vocab();
        int[][] sequences = randomPrompts(vocab, promptLength, new Random(family.hashCode()));
        float[][] expectedLast = new float[BATCH][];

        try (PeerModel model = PeerModel.load(dir, manager);
                PeerDecoder decoder = new PeerDecoder(model, BATCH, promptLength + STEPS);
                NDArray prompts = manager.create(flatten(sequences), new Shape(BATCH, promptLength))) {
            NDArray next;
            try (NDArray logits = decoder.prefill(prompts, true)) {
                assertEquals(new Shape(BATCH, promptLength, vocab), logits.getShape());
                float[] peer = logits.toFloatArray();
                for (int b = 0; b < BATCH; b++) {
                    float[][] expected = reference.logits(sequences[b]);
                    for (int t = 0; t < promptLength; t++) {
                        assertClose(family + ", prefill, sequence " + b + ", position " + t, expected[t], peer,
                                (b * promptLength + t) * vocab);
                    }
                    expectedLast[b] = expected[promptLength - 1];
                }
                next = PeerDecoder.greedy(logits.get(":, -1"));
            }
            for (int step = 0; step < STEPS; step++) {
                long[] chosen = next.toLongArray();
                for (int b = 0; b < BATCH; b++) {
                    assertEquals(argmax(expectedLast[b]), chosen[b], family + ", greedy token before step " + step);
                    sequences[b] = append(sequences[b], (int) chosen[b]);
                }
                try (NDArray logits = decoder.decode(next)) {
                    next.close();
                    assertEquals(new Shape(BATCH, vocab), logits.getShape());
                    float[] peer = logits.toFloatArray();
                    for (int b = 0; b < BATCH; b++) {
                        float[][] expected = reference.logits(sequences[b]);
                        expectedLast[b] = expected[expected.length - 1];
                        assertClose(family + ", decode step " + step + ", sequence " + b, expectedLast[b], peer,
                                b * vocab);
                    }
                    next = PeerDecoder.greedy(logits);
                }
            }
            next.close();
            assertEquals(promptLength + STEPS, decoder.length());
        }
    }

    @Test
    void refusesASecondPrefillAndTokensPastItsCapacity(@TempDir Path dir) {
        RandomCheckpoint.write(dir, Spec.small());
        try (PeerModel model = PeerModel.load(dir, manager);
                PeerDecoder decoder = new PeerDecoder(model, 1, 4);
                NDArray prompt = manager.create(new long[] {1, 2, 3, 4}, new Shape(1, 4));
                NDArray next = manager.create(new long[] {5})) {
            decoder.prefill(prompt, false).close();
            IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                    () -> decoder.prefill(prompt, false));
            assertTrue(twice.getMessage().contains("empty decoder"), twice.getMessage());
            IllegalStateException full = assertThrows(IllegalStateException.class, () -> decoder.decode(next));
            assertTrue(full.getMessage().contains("at most 4 tokens"), full.getMessage());
        }
    }

    private static void assertClose(String where, float[] expected, float[] actual, int offset) {
        for (int v = 0; v < expected.length; v++) {
            double diff = Math.abs(expected[v] - actual[offset + v]);
            assertTrue(diff <= TOLERANCE, where + ", token " + v + ": reference " + expected[v] + ", peer "
                    + actual[offset + v]);
        }
    }

    /** The spec's greedy rule: the lowest id on an exact tie. */
    private static long argmax(float[] logits) {
        int best = 0;
        for (int v = 1; v < logits.length; v++) {
            if (logits[v] > logits[best]) {
                best = v;
            }
        }
        return best;
    }

    private static int[] append(int[] tokens, int token) {
        int[] out = Arrays.copyOf(tokens, tokens.length + 1);
        out[tokens.length] = token;
        return out;
    }

    private static int[][] randomPrompts(int vocab, int length, Random random) {
        int[][] prompts = new int[BATCH][length];
        for (int[] prompt : prompts) {
            for (int t = 0; t < length; t++) {
                prompt[t] = random.nextInt(vocab);
            }
        }
        return prompts;
    }

    private static long[] flatten(int[][] rows) {
        return Arrays.stream(rows).flatMapToInt(Arrays::stream).asLongStream().toArray();
    }
}
