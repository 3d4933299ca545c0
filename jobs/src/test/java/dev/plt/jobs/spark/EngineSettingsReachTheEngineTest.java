package dev.plt.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.plt.jobs.cli.PltCli;
import dev.plt.model.inference.EngineOptions;
import dev.plt.model.checkpoint.RandomCheckpoint;
import dev.plt.model.weights.WeightFormat;
import dev.plt.udfs.registry.ModelKey;
import dev.plt.udfs.registry.ModelRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every engine option of the command line ({@code --threads}, {@code --prefill-chunk}, {@code --backend},
 * {@code --path}, {@code --weights}) reaches the engine in each Spark job: after a local job, the one engine the executor
 * (this JVM) loaded was loaded with exactly those options. Dropping one anywhere between picocli and the
 * model registry fails here.
 */
class EngineSettingsReachTheEngineTest {
    @TempDir
    static Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"score", "generate", "evaluate"})
    void theCommandLinesEngineOptionsAreTheLoadedEngines(String job) throws IOException {
        Path model = dir.resolve("model");
        if (!Files.exists(model)) {
            RandomCheckpoint.write(model, RandomCheckpoint.Spec.small());
        }
        Path input = Files.writeString(dir.resolve("in.jsonl"), "{\"text\": \"to be or not to be\"}\n");
        List<String> args = new ArrayList<>(List.of(job, "--model", model.toString(), "--master", "local[2]",
                "--output", dir.resolve("out-" + job).toString(), "--threads", "3", "--prefill-chunk", "7",
                "--backend", "scalar", "--path", "reference", "--weights", "int8"));
        if (job.equals("evaluate")) {
            args.addAll(List.of("--task", "multihop", "--task-option", "n=2"));
        } else {
            args.addAll(List.of("--input", input.toString()));
        }
        ModelRegistry.releaseAll();
        StringWriter err = new StringWriter();
        assertEquals(0, PltCli.execute(new PrintWriter(err, true), args.toArray(String[]::new)), err.toString());
        Set<ModelKey> loaded = ModelRegistry.loadedKeys();
        assertFalse(loaded.isEmpty(), "the job loaded its model in this JVM");
        for (ModelKey key : loaded) {
            assertEquals(new EngineOptions(3, "scalar", "reference", 7, WeightFormat.INT8), key.engineOptions(),
                    key.toString());
        }
    }
}
