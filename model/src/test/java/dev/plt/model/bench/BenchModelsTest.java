package dev.plt.model.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.config.ConfigLoader;
import dev.plt.model.config.LoopMode;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.inference.EngineOptions;
import dev.plt.model.inference.PltModel;
import dev.plt.model.io.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's model cache: one weights file per shape and dtype, variants that differ only in config.json. */
class BenchModelsTest {
    @TempDir
    Path cache;

    @Test
    void everyVariantReadsTheSameWeightsFileAndOnlyTheConfigDiffers() throws IOException {
        BenchModels models = new BenchModels(cache, BenchShape.quick(), message -> { });
        Path weights = cache.resolve(BenchShape.quick().key()).resolve("f32/weights/model.safetensors");
        List<String> configs = new ArrayList<>();
        for (BenchVariant variant : BenchVariant.values()) {
            Path dir = models.variantDir(DType.F32, variant);
            assertTrue(Files.isSameFile(weights, dir.resolve("model.safetensors")), variant + " links the shared file");
            ModelConfig config = ConfigLoader.load(dir);
            assertEquals(variant.loops(), config.numLoops(), variant.id());
            assertEquals(variant.passesPerDecodeStep() > 1, config.loopMode() == LoopMode.SERIAL, variant.id());
            configs.add(Files.readString(dir.resolve("config.json")));
        }
        assertEquals(configs.size(), configs.stream().distinct().count(), "each variant has its own config");

        // Non-loop and PLT-2 load from the one file (the gate tensors are there, and unused by non-loop),
        // and share every weight: the same embedding row comes back from both.
        try (PltModel nonLoop = PltModel.load(cache.resolve(BenchShape.quick().key()).resolve("f32/non-loop"),
                EngineOptions.defaults().withThreads(1));
             PltModel plt = PltModel.load(cache.resolve(BenchShape.quick().key()).resolve("f32/plt-2"),
                EngineOptions.defaults().withThreads(1))) {
            float[] a = new float[nonLoop.config().hiddenSize()];
            float[] b = new float[a.length];
            nonLoop.weights().embedTokens().copyRow(7, a, 0);
            plt.weights().embedTokens().copyRow(7, b, 0);
            assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
            assertTrue(plt.config().usesGate());
        }
    }

    @Test
    void variantFilesAreHardLinksInsideTheVariantDirectorySoTheLoaderAcceptsThem() throws IOException {
        BenchModels models = new BenchModels(cache, BenchShape.quick(), message -> { });
        Path dir = models.variantDir(DType.F32, BenchVariant.PLT_2);
        // An older cache linked ../weights symbolically; the loader refuses links out of the model directory.
        Path shared = dir.resolve("model.safetensors");
        Files.delete(shared);
        Files.createSymbolicLink(shared, Path.of("..", "weights", "model.safetensors"));

        assertEquals(dir, models.variantDir(DType.F32, BenchVariant.PLT_2));
        for (String name : new String[] {"model.safetensors", "tokenizer.json"}) {
            assertTrue(Files.isRegularFile(dir.resolve(name), java.nio.file.LinkOption.NOFOLLOW_LINKS), name);
            assertTrue(Files.isSameFile(dir.resolve(name), dir.resolveSibling("weights").resolve(name)), name);
        }
        assertEquals(2, PltModel.check(dir).numLoops());
    }

    @Test
    void weightsAreWrittenOncePerShapeAndDtype() throws IOException {
        List<String> messages = new ArrayList<>();
        new BenchModels(cache, BenchShape.quick(), messages::add).variantDir(DType.BF16, BenchVariant.PLT_2);
        Path weights = cache.resolve(BenchShape.quick().key()).resolve("bf16/weights/model.safetensors");
        Files.setLastModifiedTime(weights, FileTime.fromMillis(1_000_000L));
        int written = messages.size();

        new BenchModels(cache, BenchShape.quick(), messages::add).variantDir(DType.BF16, BenchVariant.LOOP_3);
        assertEquals(written, messages.size(), "a second run reuses the cached weights: " + messages);
        assertEquals(FileTime.fromMillis(1_000_000L), Files.getLastModifiedTime(weights));

        Path otherShape = cache.resolve(new BenchShape(64, 128, 3, 4, 2, 16, 512, 64, 1).key());
        assertNotEquals(cache.resolve(BenchShape.quick().key()), otherShape, "another shape gets another directory");
    }
}
