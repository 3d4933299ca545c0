package dev.plt.trainer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.config.ConfigLoader;
import dev.plt.model.config.ModelConfig;
import dev.plt.trainer.model.PltArchitecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny PLT-2 (G-SWA) model trained for a few dozen steps on text with an easy structure must learn:
 * the loss has to fall well below its start (ln 257 = 5.55 nats for a uniform guess), and the
 * exported directory must load with the engine's config loader.
 */
class TrainingSmokeTest {
    @Test
    void lossFallsAndTheModelExports(@TempDir Path dir) throws IOException {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, repetitiveText(20_000));
        PltArchitecture arch = PltArchitecture.of(48, 96, 2, 4, 2, 12)
                .withLoops(2, "parallel", true, true, false, 8);
        TrainConfig conf = new TrainConfig(arch,
                new TrainConfig.Data(text.toString(), null, null, 0.05),
                new TrainConfig.Training(60, 8, 32, 1e-2, 1e-3, 5, 0.0, null, null, 1.0, 7L, null, 20, 0, 2),
                dir.resolve("model").toString());

        TrainResult result = new Trainer(conf).run();

        assertTrue(result.initialLoss() > 5.0, "a fresh model should be near-uniform: " + result.initialLoss());
        assertTrue(result.finalTrainLoss() < result.initialLoss() - 2.5,
                "loss should fall by more than 2.5 nats: " + result.initialLoss() + " -> " + result.finalTrainLoss());
        assertTrue(result.valLoss() < result.initialLoss() - 2.5, "held-out loss " + result.valLoss());
        ModelConfig loaded = ConfigLoader.load(result.output());
        assertTrue(loaded.numLoops() == 2 && loaded.windowSize() == 8, "exported config: " + loaded);
    }

    /** Words drawn from a small vocabulary: learnable in a few dozen steps, not trivially periodic. */
    private static String repetitiveText(int length) {
        String[] words = {"the ", "cat ", "sat ", "on ", "a ", "mat. ", "and ", "dog ", "ran\n"};
        Random random = new Random(3);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < length) {
            sb.append(words[random.nextInt(words.length)]);
        }
        return sb.toString();
    }
}
