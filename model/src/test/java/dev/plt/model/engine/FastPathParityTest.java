package dev.plt.model.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.engine.ForwardPath.Sequence;
import dev.plt.model.io.DType;
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
 * The fast path (KV caches, chunked prefill, CLP decode) against the reference forward, over the
 * family grid of the engine issue: logits at every prompt position and every decode step agree
 * within 1e-4. Prompts are longer than the window, and the prefill chunk is shorter than the window
 * so ring buffers are read across passes.
 */
class FastPathParityTest {
    private static final float TOLERANCE = 1e-4f;

    static Stream<Arguments> grid() {
        Spec base = Spec.small(); // PLT-2, kv share + G-SWA (query gate), w = 3, GQA 4/2, f32
        return Stream.of(
                Arguments.of("non-loop", base.withLoops(1, "parallel")),
                Arguments.of("non-loop bf16 tied bias", base.withLoops(1, "parallel").withFormat(true, true, DType.BF16, 2, 1)),
                Arguments.of("PLT-2 G-SWA query gate", base),
                Arguments.of("PLT-3 G-SWA query gate", base.withLoops(3, "parallel")),
                Arguments.of("PLT-2 G-SWA hidden-state gate", base.withSharing(true, true, true, 3)),
                Arguments.of("PLT-3 G-SWA hidden gate w=0", base.withLoops(3, "parallel").withSharing(true, true, true, 0)),
                Arguments.of("PLT-2 kv-share only", base.withSharing(true, false, false, 3)),
                Arguments.of("PLT-3 CLP only (no kv share)", base.withLoops(3, "parallel").withSharing(false, true, false, 3)),
                Arguments.of("vanilla loop-2", base.withLoops(2, "serial")),
                Arguments.of("vanilla loop-3 per-loop norm", base.withLoops(3, "serial").withScales(1, 1, true)),
                Arguments.of("PLT-2 scales 0.707/0.053", base.withScales(0.707, 0.053, false)),
                Arguments.of("PLT-3 scales + per-loop norm", base.withLoops(3, "parallel").withScales(0.8, 1.3, true)),
                Arguments.of("PLT-2 MHA bias tied", base.withShape(32, 64, 2, 4, 4, 8, 300).withFormat(true, true, DType.F32, 3, 1)),
                Arguments.of("PLT-2 bf16", base.withFormat(false, false, DType.BF16, 4, 1)),
                Arguments.of("PLT-2 f16 sharded", base.withFormat(false, false, DType.F16, 5, 3)),
                Arguments.of("PLT-2 GQA 8/2 head_dim 16 wide window", base.withShape(48, 96, 3, 8, 2, 16, 300)
                        .withSharing(true, true, false, 40)),
                Arguments.of("PLT-2 hidden gate bias bf16 tied", base.withSharing(true, true, true, 2)
                        .withFormat(true, true, DType.BF16, 6, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grid")
    void fastPathMatchesReferenceAtEveryPositionAndStep(String name, Spec spec, @TempDir Path dir) {
        try (TestModels models = TestModels.create(dir, spec, 2, 4)) {
            ReferenceForward reference = new ReferenceForward(models.config(), models.weights());
            Random random = new Random(42);
            int[] prompt = random.ints(11, 0, spec.vocab()).toArray();

            // Prefill: logits at every prompt position.
            Sequence seq = models.fast().start();
            List<float[]> prefillLogits = collect(models.fast(), seq, prompt);
            float[][] expected = reference.logits(prompt);
            for (int t = 0; t < prompt.length; t++) {
                assertClose(expected[t], prefillLogits.get(t), name + " prefill position " + t);
            }

            // Decode: one CLP step per token (random tokens, so every step is checked on fresh input).
            int[] all = prompt;
            for (int step = 0; step < 6; step++) {
                int token = random.nextInt(spec.vocab());
                all = Arrays.copyOf(all, all.length + 1);
                all[all.length - 1] = token;
                List<float[]> stepLogits = collect(models.fast(), seq, new int[] {token});
                float[][] expectedAll = reference.logits(all);
                assertClose(expectedAll[all.length - 1], stepLogits.get(0), name + " decode step " + step);
            }
            assertEquals(all.length, seq.length());
        }
    }

    private static List<float[]> collect(ForwardPath path, Sequence seq, int[] tokens) {
        List<float[]> out = new ArrayList<>();
        path.append(List.of(seq), List.of(tokens), true,
                (s, position, logits, off) -> out.add(Arrays.copyOfRange(logits, off, off + path.config().vocabSize())));
        return out;
    }

    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": vocabulary size");
        float worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= TOLERANCE, what + ": max |fast - reference| = " + worst);
        // Guard against a vacuous pass: logits must actually vary.
        float spread = 0;
        for (float v : expected) {
            spread = Math.max(spread, Math.abs(v - expected[0]));
        }
        assertTrue(spread > 1e-3f, what + ": logits are (nearly) constant, the test would prove nothing");
    }
}
