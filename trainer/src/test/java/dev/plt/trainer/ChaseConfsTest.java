package dev.plt.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.plt.trainer.model.ParameterInit;
import dev.plt.trainer.model.PltArchitecture;
import dev.plt.trainer.model.PltParameters;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The experiment's confs (trainer/conf/chase, trainer/conf/shakespeare-families): every family has the
 * same layers, so parameters are equal up to PLT's gate, and {@code --set} gives each run its seed, order
 * and output without a copy of the conf.
 */
class ChaseConfsTest {
    private static final Map<String, String> CHASE = families("nonloop", "loop2", "loop3", "plt2-kvshare", "plt2",
            "plt2-hiddengate", "plt3");

    private static Map<String, String> families(String... names) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String n : names) {
            m.put(n, n + ".yaml");
        }
        return m;
    }

    @Test
    void chaseFamiliesHaveTheRecipeAndEqualParameters() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (String family : CHASE.keySet()) {
                TrainConfig conf = TrainConfig.read(Path.of("conf/chase", CHASE.get(family)));
                PltArchitecture a = conf.model();
                assertEquals(1, a.numLayers(), family);
                assertEquals(128, a.hiddenSize(), family);
                assertEquals(384, a.intermediateSize(), family);
                assertEquals(4, a.numHeads(), family);
                assertEquals(257, a.vocabSize(), family);
                assertEquals(false, a.tieWordEmbeddings(), family);
                assertEquals(16, a.window(), family);
                assertEquals(3000, conf.training().steps(), family);
                assertEquals(32, conf.training().batch(), family);
                assertEquals(200, conf.training().warmupSteps(), family);
                assertEquals(2e-3, conf.training().lr(), 1e-12, family);
                assertEquals(2e-4, conf.training().minLr(), 1e-12, family);
                assertEquals(250, conf.training().evalEvery(), family);
                assertEquals(1, conf.training().threads(), family);
                assertEquals("qh", conf.data().chase().order(), family);
                int loops = family.endsWith("3") ? 3 : family.equals("nonloop") ? 1 : 2;
                assertEquals(loops, a.loops(), family);
                assertEquals(family.startsWith("plt"), a.isParallel(), family);
                assertEquals(family.startsWith("plt"), a.kvShare(), family);
                assertEquals(family.startsWith("plt") && !family.equals("plt2-kvshare"), a.gswa(), family);
                assertEquals(family.equals("plt2-hiddengate"), a.gateUsesHiddenStates(), family);
                try (PltParameters p = PltParameters.create(manager, a, ParameterInit.TRAINING, 1)) {
                    long expected = a.hasGate() ? 279_168 + gate(a) : 279_168;
                    assertEquals(expected, p.count(), family);
                }
            }
        }
    }

    /** The gate's parameters: the query gate 132 (as the issue says), the hidden-state gate more. */
    private static long gate(PltArchitecture a) {
        return a.gateUsesHiddenStates() ? 644 : 132;
    }

    @Test
    void shakespeareFamiliesShareTheirLayers() {
        for (String family : new String[] {"nonloop", "loop2", "plt2-kvshare", "plt2", "plt3"}) {
            TrainConfig conf = TrainConfig.read(Path.of("conf/shakespeare-families", family + ".yaml"));
            assertEquals(2, conf.model().numLayers(), family);
            assertEquals(128, conf.model().hiddenSize(), family);
            assertEquals(0.05, conf.data().valFraction(), family);
            assertTrue(conf.data().text().endsWith("tinyshakespeare/input.txt"), family);
            assertEquals(600, conf.training().steps(), family);
        }
    }

    @Test
    void setReplacesValuesAndRefusesUnknownKeys() {
        TrainConfig conf = TrainConfig.read(Path.of("conf/chase/plt2.yaml"),
                Map.of("training.seed", "3", "data.chase.order", "hq", "output", "target/x"));
        assertEquals(3L, conf.training().seed());
        assertEquals("hq", conf.data().chase().order());
        assertEquals("target/x", conf.output());
        assertEquals(3000, conf.training().steps(), "the rest as in the file");
        UncheckedIOException typo = assertThrows(UncheckedIOException.class,
                () -> TrainConfig.read(Path.of("conf/chase/plt2.yaml"), Map.of("training.sed", "3")));
        assertTrue(typo.getMessage().contains("sed"), typo.getMessage());
        RuntimeException order = assertThrows(RuntimeException.class,
                () -> TrainConfig.read(Path.of("conf/chase/plt2.yaml"), Map.of("data.chase.order", "qq")));
        assertTrue(order.getMessage().contains("qh or hq"), order.getMessage());
    }
}
