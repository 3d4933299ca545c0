package dev.plt.jobs.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.inference.EngineOptions;
import dev.plt.model.inference.PltModel;
import dev.plt.model.io.DType;
import dev.plt.model.io.gguf.GgmlType;
import dev.plt.model.io.gguf.LlamaGgufExport;
import dev.plt.model.testing.RandomCheckpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * llama.cpp's log-probs on {@code plt export-gguf}'s files against the engine's, on random non-loop models
 * (untied with attention biases; tied without), 200 random tokens. Skipped, with the reason, when llama.cpp is
 * not built (scripts/build-llama-cpp.sh): CI does not build it.
 *
 * <p>Tolerances, max |difference| of a token's log-prob (nats): f32 1e-4 (both compute in f32, in different
 * orders); f16 and bf16 5e-2 and Q8_0 1e-1, since llama.cpp rounds the weights and also its activations to the
 * weights' type before each matrix product (ggml's vec_dot types), while the engine runs the f32 checkpoint.
 */
class LlamaCppGgufParityTest {
    @TempDir
    Path dir;

    static List<Arguments> cases() {
        return List.of(Arguments.of("f32", 1e-4), Arguments.of("f16", 5e-2), Arguments.of("bf16", 5e-2),
                Arguments.of("q8_0", 1e-1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void llamaCppLogProbsMatchTheEngine(String typeName, double tolerance) throws Exception {
        LlamaCppTools.Result found = LlamaCppTools.find(Path.of("..").toAbsolutePath().normalize());
        Assumptions.assumeTrue(found.tools() != null, () -> "skipped: " + found.missing());
        GgmlType type = GgmlType.parse(typeName, "type");
        for (boolean tied : new boolean[] {false, true}) {
            Path model = RandomCheckpoint.write(dir.resolve("m-" + tied), RandomCheckpoint.Spec.small()
                    .withShape(128, 256, 3, 4, 2, 32, 300).withLoops(1, "parallel")
                    .withFormat(!tied, tied, DType.F32, tied ? 3 : 4, 1));
            int[] ids = new SplittableRandom(tied ? 5 : 6).ints(200, 0, 300).toArray();
            double[] engine;
            try (PltModel plt = PltModel.load(model, EngineOptions.defaults().withThreads(1))) {
                engine = plt.score(List.of(ids)).get(0).logprobs();
            }
            Path gguf = dir.resolve("m-" + tied + "-" + typeName + ".gguf");
            LlamaGgufExport.export(model, type, gguf);
            double[] llama = LlamaCppLogprobs.run(found.tools(), gguf, ids, 1, dir);
            double worst = 0;
            double spread = 0;
            for (int t = 1; t < ids.length; t++) {
                worst = Math.max(worst, Math.abs(engine[t] - llama[t]));
                spread = Math.max(spread, Math.abs(engine[t] - engine[1]));
            }
            System.out.printf(Locale.ROOT, "llama.cpp vs engine, %s, %s: max |d logprob| = %.3g over %d tokens%n",
                    typeName, tied ? "tied, no bias" : "untied, bias", worst, ids.length - 1);
            assertTrue(spread > 1, "the model's log-probs vary (else the check would prove little): " + spread);
            assertTrue(worst <= tolerance, typeName + (tied ? " tied" : " untied") + ": max |engine - llama.cpp| = "
                    + worst + " > " + tolerance);
        }
    }
}
