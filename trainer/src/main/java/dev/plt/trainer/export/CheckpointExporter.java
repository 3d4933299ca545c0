package dev.plt.trainer.export;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.plt.model.io.SafetensorsWriter;
import dev.plt.model.io.TensorData;
import dev.plt.model.tokenizer.ByteLevelTokenizerJson;
import dev.plt.trainer.model.PltArchitecture;
import dev.plt.trainer.model.PltParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a trained model as a checkpoint directory of plt-spec section 5 (config.json,
 * model.safetensors in f32, tokenizer.json), with the project's own writers so the engine reads back
 * exactly what it writes itself. The tokenizer is byte-level with no merges: ids 0..255 are the
 * bytes, 256 is {@code <|endoftext|>}, matching how the trainer tokenized its data.
 */
public final class CheckpointExporter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CheckpointExporter() {
    }

    public static Path export(Path dir, PltArchitecture arch, PltParameters params) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.json"), JSON.writeValueAsString(arch.configJson()) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("config.json"), e);
        }
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.all().entrySet()) {
            NDArray t = e.getValue();
            int[] shape = new int[t.getShape().dimension()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = Math.toIntExact(t.getShape().get(i));
            }
            tensors.put(e.getKey(), TensorData.f32(t.toFloatArray(), shape));
        }
        SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors);
        ByteLevelTokenizerJson.write(dir.resolve("tokenizer.json"), List.of(), List.of("<|endoftext|>"));
        return dir;
    }
}
