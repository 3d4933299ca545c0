package dev.plt.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.plt.model.config.ConfigLoader;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.reference.ReferenceForward;
import dev.plt.model.weights.ModelWeights;
import dev.plt.model.weights.WeightLoader;
import dev.plt.trainer.export.CheckpointExporter;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The trainer's DJL forward against the engine's {@code ReferenceForward}, which shares no code with
 * it: a randomly initialised model is exported, read back with the engine's loaders, and both must
 * give the same logits at every position of every row. Sequences are longer than the G-SWA window so
 * the window really cuts keys off. Parameters are PERTURBED (no tensor at a neutral value), so a
 * tensor that is misread or ignored shows.
 */
class ForwardParityTest {
    private static final double TOLERANCE = 1e-4;
    private static final int LENGTH = 13;
    private static final int ROWS = 2;

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    /** hidden 32, 2 layers, 4 heads of 8, no GQA: small enough that the double-precision oracle is quick. */
    private static PltArchitecture base() {
        return PltArchitecture.of(32, 64, 2, 4, 4, 8);
    }

    static Stream<Arguments> families() {
        return Stream.of(
                Arguments.of("non-loop", base()),
                Arguments.of("serial L=2", base().withLoops(2, "serial", true, true, false, 3)),
                Arguments.of("serial L=3 per-loop norm", base().withLoops(3, "serial", true, true, false, 3)
                        .withScales(1.0, 1.0, true)),
                Arguments.of("PLT-2 G-SWA query gate w=3", base().withLoops(2, "parallel", true, true, false, 3)),
                Arguments.of("PLT-3 G-SWA hidden gate w=2", base().withLoops(3, "parallel", true, true, true, 2)),
                Arguments.of("PLT-2 G-SWA query gate w=0", base().withLoops(2, "parallel", true, true, false, 0)),
                Arguments.of("PLT-2 kv-share only", base().withLoops(2, "parallel", true, false, false, 3)),
                Arguments.of("PLT-2 CLP only", base().withLoops(2, "parallel", false, true, false, 3)),
                Arguments.of("PLT-2 scales + per-loop norm", base().withLoops(2, "parallel", true, true, true, 4)
                        .withScales(0.707, 0.4, true)),
                Arguments.of("PLT-3 CLP only scaled", base().withLoops(3, "parallel", false, true, false, 3)
                        .withScales(0.5, 1.5, false)),
                Arguments.of("PLT-2 GQA + bias + tied, head_dim 16",
                        PltArchitecture.of(32, 48, 2, 4, 2, 16).withLoops(2, "parallel", true, true, false, 3)
                                .withFormat(true, true)),
                Arguments.of("PLT-2 GQA 4:1 + bias, hidden gate",
                        PltArchitecture.of(32, 48, 2, 4, 1, 8).withLoops(2, "parallel", true, true, true, 5)
                                .withFormat(true, false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void djlForwardMatchesTheEngineReference(String family, PltArchitecture arch, @TempDir Path dir) {
        long[] tokens = randomTokens(arch, new Random(family.hashCode()));
        float[] djlLogits;
        try (PltParameters params = PltParameters.create(manager, arch, ParameterInit.PERTURBED, 42);
                NDScope scope = new NDScope()) {
            NDArray logits = new PltForward(arch, params).logits(manager.create(tokens, new Shape(ROWS, LENGTH)));
            assertEquals(new Shape(ROWS, LENGTH, arch.vocabSize()), logits.getShape());
            djlLogits = logits.toFloatArray();
            CheckpointExporter.export(dir, arch, params);
        }

        ModelConfig config = ConfigLoader.load(dir);
        ModelWeights weights = WeightLoader.load(dir, config, false);
        ReferenceForward reference = new ReferenceForward(config, weights);
        int vocab = arch.vocabSize();
        for (int r = 0; r < ROWS; r++) {
            int[] row = new int[LENGTH];
            for (int t = 0; t < LENGTH; t++) {
                row[t] = (int) tokens[r * LENGTH + t];
            }
            float[][] expected = reference.logits(row);
            for (int t = 0; t < LENGTH; t++) {
                for (int v = 0; v < vocab; v++) {
                    double diff = Math.abs(expected[t][v] - djlLogits[(r * LENGTH + t) * vocab + v]);
                    assertTrue(diff <= TOLERANCE, family + ": row " + r + " position " + t + " token " + v
                            + ": reference " + expected[t][v] + ", DJL " + djlLogits[(r * LENGTH + t) * vocab + v]);
                }
            }
        }
    }

    private static long[] randomTokens(PltArchitecture arch, Random random) {
        long[] tokens = new long[ROWS * LENGTH];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = random.nextInt(arch.vocabSize());
        }
        return tokens;
    }
}
