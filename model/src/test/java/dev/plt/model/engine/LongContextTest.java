package dev.plt.model.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.plt.model.engine.ForwardPath.Sequence;
import dev.plt.model.reference.ReferenceForward;
import dev.plt.model.checkpoint.RandomCheckpoint.Spec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Contexts long enough that attention runs over many key blocks (and groups of 4 of them) and G-SWA
 * windows span several blocks: the fast path still matches the reference, and prefilling a prompt in
 * chunks gives bitwise the logits of feeding it one decode step at a time (where the L rows of a step
 * attend together, against prefill's one row at a time).
 */
class LongContextTest {
    private static final int PROMPT = 90;

    static Stream<Arguments> families() {
        Spec base = Spec.small();
        return Stream.of(
                Arguments.of("non-loop", base.withLoops(1, "parallel")),
                Arguments.of("PLT-2 G-SWA hidden gate w=20", base.withSharing(true, true, true, 20)),
                Arguments.of("PLT-3 G-SWA query gate w=40 GQA 8/2", base.withLoops(3, "parallel")
                        .withShape(48, 96, 2, 8, 2, 16, 300).withSharing(true, true, false, 40)),
                Arguments.of("PLT-3 kv-share only", base.withLoops(3, "parallel").withSharing(true, false, false, 3)),
                Arguments.of("PLT-2 CLP only (own caches)", base.withSharing(false, true, false, 3)),
                Arguments.of("vanilla loop-2", base.withLoops(2, "serial")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void longPromptsMatchTheReferenceAndDecodeEqualsPrefill(String name, Spec spec, @TempDir Path dir) {
        try (TestModels models = TestModels.create(dir, spec, 2, 16)) {
            int[] prompt = new Random(5).ints(PROMPT, 0, spec.vocab()).toArray();
            List<float[]> prefilled = logits(models.fast(), models.fast().start(), prompt);
            float[][] expected = new ReferenceForward(models.config(), models.weights()).logits(prompt);
            for (int t = 0; t < PROMPT; t++) {
                FastPathParityTest.assertClose(expected[t], prefilled.get(t), name + " position " + t);
            }
            Sequence stepped = models.fast().start();
            for (int t = 0; t < PROMPT; t++) {
                float[] step = logits(models.fast(), stepped, new int[] {prompt[t]}).get(0);
                float[] whole = prefilled.get(t);
                for (int i = 0; i < whole.length; i++) {
                    assertEquals(Float.floatToRawIntBits(whole[i]), Float.floatToRawIntBits(step[i]),
                            name + ": position " + t + " logit " + i + " prefilled vs decoded step by step");
                }
            }
        }
    }

    private static List<float[]> logits(ForwardPath path, Sequence seq, int[] tokens) {
        List<float[]> out = new ArrayList<>();
        path.append(List.of(seq), List.of(tokens), true,
                (s, position, logits, off) -> out.add(Arrays.copyOfRange(logits, off, off + path.config().vocabSize())));
        return out;
    }
}
