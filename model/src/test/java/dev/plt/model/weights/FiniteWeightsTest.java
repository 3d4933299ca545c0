package dev.plt.model.weights;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.inference.EngineOptions;
import dev.plt.model.inference.PltModel;
import dev.plt.model.io.DType;
import dev.plt.model.io.ModelFileException;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NaN and Inf weights fail the load with one line naming the file, the tensor and the element. */
class FiniteWeightsTest {
    @TempDir
    Path dir;

    private Path checkpoint(String name, DType dtype) {
        return RandomCheckpoint.write(dir.resolve(name), RandomCheckpoint.Spec.small()
                .withFormat(false, false, dtype, 1, 1));
    }

    private static ModelFileException loadFails(Path model, String... fragments) {
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> PltModel.load(model, EngineOptions.defaults().withThreads(1)).close());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "expected '" + f + "' in: " + e.getMessage());
        }
        return e;
    }

    @Test
    void nanInAnF32MatrixNamesTensorRowAndColumn() {
        Path model = checkpoint("f32", DType.F32);
        RandomCheckpoint.setValue(model, "model.layers.1.mlp.up_proj.weight", 32 * 3 + 5, Float.NaN);
        loadFails(model, "model.safetensors", "tensor 'model.layers.1.mlp.up_proj.weight'", "NaN",
                "element 101 (row 3, column 5)");
    }

    @Test
    void infinityInABf16MatrixKeptAsBf16IsFound() {
        Path model = checkpoint("bf16", DType.BF16);
        RandomCheckpoint.setValue(model, "lm_head.weight", 0, Float.NEGATIVE_INFINITY);
        loadFails(model, "tensor 'lm_head.weight'", "-Infinity", "element 0");
        // Widened to f32 at load, the same value is found on the other code path.
        ModelFileException widened = assertThrows(ModelFileException.class,
                () -> PltModel.load(model, EngineOptions.defaults().withThreads(1).withWidenBf16(true)).close());
        assertTrue(widened.getMessage().contains("lm_head.weight"), widened.getMessage());
    }

    @Test
    void nanInAnF16NormVectorIsFound() {
        Path model = checkpoint("f16", DType.F16);
        RandomCheckpoint.setValue(model, "model.norm.weight", 17, Float.NaN);
        loadFails(model, "tensor 'model.norm.weight'", "element 17");
    }

    @Test
    void theDriverSideCheckReadsNoDataButCatchesLayoutProblems() throws IOException {
        Path nan = checkpoint("nan", DType.F32);
        RandomCheckpoint.setValue(nan, "model.norm.weight", 0, Float.NaN);
        assertDoesNotThrow(() -> PltModel.check(nan), "headers and shapes are fine; NaN is found at load");

        Path truncated = checkpoint("truncated", DType.F32);
        Path weights = truncated.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, Arrays.copyOf(bytes, bytes.length - 10));
        ModelFileException e = assertThrows(ModelFileException.class, () -> PltModel.check(truncated));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        Path shape = checkpoint("shape", DType.F32);
        String config = Files.readString(shape.resolve("config.json"));
        Files.writeString(shape.resolve("config.json"), config.replace("\"intermediate_size\" : 64",
                "\"intermediate_size\" : 65"));
        e = assertThrows(ModelFileException.class, () -> PltModel.check(shape));
        assertTrue(e.getMessage().contains("mlp.gate_proj.weight"), e.getMessage());
    }
}
