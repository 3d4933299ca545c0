package dev.plt.jobs.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.inference.EngineOptions;
import dev.plt.model.inference.PltModel;
import dev.plt.model.io.DType;
import dev.plt.model.io.gguf.GgmlType;
import dev.plt.model.io.gguf.LlamaGgufExport;
import dev.plt.model.checkpoint.RandomCheckpoint;
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
 * <p>The engine runs a checkpoint holding exactly the GGUF's weights where it can: f32 for f32 and Q8_0, f16 for
 * f16 (widened to f32 at load), bf16 for bf16; llama.cpp's log-prob tool keeps its KV cache in f32 (its default f16
 * cache alone gives differences of about 5e-4). Tolerances, max |difference| of a token's log-prob in nats: f32
 * 1e-4 (both compute in f32, in different orders; about 1e-6 to 3e-5 measured); for the others a fraction of the
 * span of the engine's log-probs over the sequence, since llama.cpp also rounds each matrix product's activations
 * to the weights' type (ggml's vec_dot types), an error that grows with the logits' size: f16 1e-3, bf16 5e-3,
 * Q8_0 3e-2 of the span (measured: about 3e-4, 2e-3 and 1.3e-2; docs/BENCHMARKS.md).
 */
class LlamaCppGgufParityTest {
    @TempDir
    Path dir;

    static List<Arguments> cases() {
        return List.of(Arguments.of("f32", DType.F32, 1e-4, 0.0), Arguments.of("f16", DType.F16, 0.0, 1e-3),
                Arguments.of("bf16", DType.BF16, 0.0, 5e-3), Arguments.of("q8_0", DType.F32, 0.0, 3e-2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void llamaCppLogProbsMatchTheEngine(String typeName, DType checkpoint, double absolute, double relative)
            throws Exception {
        LlamaCppTools.Result found = LlamaCppTools.find(Path.of("..").toAbsolutePath().normalize(), false);
        Assumptions.assumeTrue(found.tools() != null, () -> "skipped: " + found.missing());
        GgmlType type = GgmlType.parse(typeName, "type");
        for (boolean tied : new boolean[] {false, true}) {
            Path model = RandomCheckpoint.write(dir.resolve("m-" + tied), RandomCheckpoint.Spec.small()
                    .withShape(128, 256, 3, 4, 2, 32, 300).withLoops(1, "parallel")
                    .withFormat(!tied, tied, checkpoint, tied ? 3 : 4, 1));
            int[] ids = new SplittableRandom(tied ? 5 : 6).ints(200, 0, 300).toArray();
            double[] engine;
            try (PltModel plt = PltModel.load(model, EngineOptions.defaults().withThreads(1))) {
                engine = plt.score(List.of(ids)).get(0).logprobs();
            }
            Path gguf = dir.resolve("m-" + tied + "-" + typeName + ".gguf");
            LlamaGgufExport.export(model, type, gguf);
            double[] llama = LlamaCppLogprobs.run(found.tools(), gguf, ids, 1, dir);
            double worst = 0;
            double sum = 0;
            double spread = 0;
            for (int t = 1; t < ids.length; t++) {
                worst = Math.max(worst, Math.abs(engine[t] - llama[t]));
                sum += Math.abs(engine[t] - llama[t]);
                spread = Math.max(spread, Math.abs(engine[t] - engine[1]));
            }
            System.out.printf(Locale.ROOT, "llama.cpp %s vs engine (%s checkpoint), %s: max |d logprob| = %.3g, mean %.3g "
                    + "over %d tokens (engine log-probs span %.1f nats)%n", typeName, checkpoint,
                    tied ? "tied, no bias" : "untied, bias", worst, sum / (ids.length - 1), ids.length - 1, spread);
            assertTrue(spread > 1, "the model's log-probs vary (else the check would prove little): " + spread);
            double tolerance = Math.max(absolute, relative * spread);
            assertTrue(worst <= tolerance, typeName + (tied ? " tied" : " untied") + ": max |engine - llama.cpp| = "
                    + worst + " > " + tolerance);
        }
    }
}
