package dev.plt.model.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.plt.model.engine.ForwardPath.Sequence;
import dev.plt.model.reference.ReferenceForward;
import dev.plt.model.checkpoint.RandomCheckpoint.Spec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The plan's harder schedules executed by the fast path, against the reference forward of each sequence
 * alone: prompts of different lengths prefilled together in chunks of 3 (so chunks cut prompts, and a
 * chunk left with one token per sequence runs as a fused decode step while others still prefill), then
 * fused decode steps of every sequence, then a second batched prefill on top of the cached state.
 */
class BatchedPlanParityTest {
    static Stream<Arguments> families() {
        Spec base = Spec.small();
        return Stream.of(
                Arguments.of("non-loop", base.withLoops(1, "parallel")),
                Arguments.of("PLT-2 G-SWA", base),
                Arguments.of("PLT-3 scales + per-loop norm", base.withLoops(3, "parallel").withScales(0.8, 1.3, true)),
                Arguments.of("PLT-3 CLP only", base.withLoops(3, "parallel").withSharing(false, true, false, 3)),
                Arguments.of("vanilla loop-3 per-loop norm", base.withLoops(3, "serial").withScales(1, 1, true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void everySequenceGetsItsOwnReferenceLogits(String name, Spec spec, @TempDir Path dir) {
        try (TestModels models = TestModels.create(dir, spec, 2, 3)) {
            ReferenceForward reference = new ReferenceForward(models.config(), models.weights());
            Random random = new Random(3);
            int[] lengths = {7, 1, 4, 2};
            List<Sequence> sequences = new ArrayList<>();
            List<int[]> all = new ArrayList<>();
            for (int i = 0; i < lengths.length; i++) {
                sequences.add(models.fast().start());
                all.add(new int[0]);
            }
            List<List<int[]>> calls = new ArrayList<>();
            calls.add(tokens(random, spec, lengths));
            for (int step = 0; step < 3; step++) {
                calls.add(tokens(random, spec, new int[] {1, 1, 1, 1}));
            }
            calls.add(tokens(random, spec, new int[] {4, 0, 1, 5}));
            for (List<int[]> call : calls) {
                Map<Integer, float[]> logits = new HashMap<>(); // sequence * 1000 + position
                models.fast().append(sequences, call, true, (s, position, values, off) ->
                        logits.put(s * 1000 + position, Arrays.copyOfRange(values, off, off + spec.vocab())));
                int expectedRows = 0;
                for (int s = 0; s < sequences.size(); s++) {
                    int before = all.get(s).length;
                    int[] grown = Arrays.copyOf(all.get(s), before + call.get(s).length);
                    System.arraycopy(call.get(s), 0, grown, before, call.get(s).length);
                    all.set(s, grown);
                    if (call.get(s).length == 0) {
                        continue;
                    }
                    float[][] expected = reference.logits(grown);
                    for (int t = before; t < grown.length; t++) {
                        FastPathParityTest.assertClose(expected[t], logits.get(s * 1000 + t),
                                name + ": sequence " + s + " position " + t);
                        expectedRows++;
                    }
                    assertEquals(grown.length, sequences.get(s).length());
                }
                assertEquals(expectedRows, logits.size(), name + ": one logits row per new position");
            }
        }
    }

    private static List<int[]> tokens(Random random, Spec spec, int[] lengths) {
        List<int[]> out = new ArrayList<>();
        for (int length : lengths) {
            out.add(random.ints(length, 0, spec.vocab()).toArray());
        }
        return out;
    }
}
