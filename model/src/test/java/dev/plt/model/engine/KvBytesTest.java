package dev.plt.model.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.plt.model.engine.ForwardPath.Sequence;
import dev.plt.model.loop.KvFootprint;
import dev.plt.model.checkpoint.RandomCheckpoint.Spec;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * KV bytes per sequence, as the engine's caches hold them after a prefill and some decode steps,
 * against plt-spec section 4 written out by hand for each family.
 */
class KvBytesTest {
    // M = 2 layers, H_kv = 2, d_h = 8, f32: one position of non-loop KV = 2 * 2 * 2 * 8 * 4 bytes.
    private static final long PER_POSITION = 2L * 2 * 2 * 8 * 4;

    static Stream<Arguments> families() {
        Spec base = Spec.small(); // w = 3
        int w = 3;
        return Stream.of(
                Arguments.of("non-loop", base.withLoops(1, "parallel"), 0L, 1),
                Arguments.of("PLT-2 G-SWA", base, 1L * PER_POSITION * (w + 1), 1),
                Arguments.of("PLT-3 G-SWA", base.withLoops(3, "parallel"), 2L * PER_POSITION * (w + 1), 1),
                Arguments.of("PLT-2 kv-share only", base.withSharing(true, false, false, w), 0L, 1),
                Arguments.of("PLT-2 CLP only", base.withSharing(false, true, false, w), 0L, 2),
                Arguments.of("vanilla loop-3", base.withLoops(3, "serial"), 0L, 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void cachesHoldExactlyTheSpecFormula(String name, Spec spec, long windowBytes, int fullCaches,
            @TempDir Path dir) {
        try (TestModels models = TestModels.create(dir, spec, 1, 256)) {
            Sequence seq = models.fast().start();
            int n = 20;
            models.fast().append(List.of(seq), List.of(new Random(1).ints(n - 2, 0, 300).toArray()), false,
                    (s, p, l, o) -> { });
            for (int step = 0; step < 2; step++) {
                models.fast().append(List.of(seq), List.of(new int[] {5}), false, (s, p, l, o) -> { });
            }
            long expected = fullCaches * PER_POSITION * n + windowBytes;
            assertEquals(expected, seq.kvBytes(), name + ": KV bytes held by the caches");
            assertEquals(expected, KvFootprint.bytesPerSequence(models.config(), n), name + ": KvFootprint");
        }
    }
}
