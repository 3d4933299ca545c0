package dev.plt.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.inference.EngineOptions;
import dev.plt.model.inference.PltModel;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pickle checkpoints are refused, never opened, with a message saying why and how to convert. */
class PickleCheckpointTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"pytorch_model.bin", "pytorch_model-00001-of-00002.bin", "model.pt", "weights.pth",
        "last.ckpt"})
    void aDirectoryWithOnlyPickleWeightsIsRefused(String pickle) throws IOException {
        Path model = RandomCheckpoint.write(dir.resolve("m"), RandomCheckpoint.Spec.small());
        Files.delete(model.resolve("model.safetensors"));
        // Not a real pickle: the point is that its content is never looked at.
        Files.write(model.resolve(pickle), new byte[] {(byte) 0x80, 2, 'c', 'o', 's', '\n'});
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> PltModel.load(model, EngineOptions.defaults().withThreads(1)).close());
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.startsWith(model.toString()), m);
        for (String part : new String[] {pickle, "pickle", "never opened", "safe_serialization=True", "save_file"}) {
            assertTrue(m.contains(part), () -> "expected '" + part + "' in: " + m);
        }
    }

    @Test
    void safetensorsNextToAPickleIsUsed() throws IOException {
        Path model = RandomCheckpoint.write(dir.resolve("both"), RandomCheckpoint.Spec.small());
        Files.write(model.resolve("pytorch_model.bin"), new byte[] {1, 2, 3});
        try (PltModel loaded = PltModel.load(model, EngineOptions.defaults().withThreads(1))) {
            assertEquals(300, loaded.config().vocabSize());
        }
    }

    @Test
    void otherBinFilesAreNotMistakenForWeights() throws IOException {
        Path model = RandomCheckpoint.write(dir.resolve("other"), RandomCheckpoint.Spec.small());
        Files.delete(model.resolve("model.safetensors"));
        Files.write(model.resolve("training_args.bin"), new byte[] {1});
        ModelFileException e = assertThrows(ModelFileException.class, () -> SafetensorsReader.open(model));
        assertTrue(e.getMessage().contains("no checkpoint found"), e.getMessage());
    }
}
