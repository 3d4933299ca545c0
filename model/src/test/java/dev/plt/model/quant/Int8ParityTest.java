package dev.plt.model.quant;

import dev.plt.model.checkpoint.RandomCheckpoint;
import dev.plt.model.config.ConfigLoader;
import dev.plt.model.inference.EngineOptions;
import dev.plt.model.inference.PltModel;
import dev.plt.model.io.ModelFileException;
import dev.plt.model.tensor.Int8Matrix;
import dev.plt.model.weights.ModelWeights;
import dev.plt.model.weights.WeightFormat;
import dev.plt.model.weights.WeightLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine with {@code --weights int8} against the engine with f32 weights on a small random PLT-2 checkpoint
 * (written to disk, read back through the real loader): only the big matrices are quantized, and every token's
 * log-prob stays within {@link #MAX_LOGPROB_DIFF} of f32's.
 */
class Int8ParityTest {
    /**
     * Measured on this test's checkpoint and sequences (2026-12-03, 512-bit vectors): max |diff| 0.0439, mean
     * 0.0095, perplexity +0.010%. The bound is about twice the measured max, for other vector widths (whose sums
     * round differently), while a wrong scale or block would move log-probs by whole nats.
     */
    private static final double MAX_LOGPROB_DIFF = 0.1;

    private static RandomCheckpoint.Spec spec() {
        // hidden 64, MLP 128, 4 heads of 16: every big matrix's input features are whole 32-blocks
        return RandomCheckpoint.Spec.small().withShape(64, 128, 2, 4, 2, 16, 300);
    }

    @Test
    void int8LogProbsStayCloseToF32AndTheyDiffer(@TempDir Path dir) {
        RandomCheckpoint.write(dir, spec());
        List<int[]> sequences = WeightFormatAccuracy.randomSequences(4, 48, 300, 7);
        WeightFormatAccuracy.Result r = WeightFormatAccuracy.compare(dir, sequences, WeightFormat.INT8, 2);
        System.out.println("Int8ParityTest: " + r);
        assertEquals(4 * 47, r.tokens());
        assertTrue(r.maxAbsDiff() <= MAX_LOGPROB_DIFF, r.toString());
        assertTrue(r.maxAbsDiff() > 0, "int8 weights gave exactly the f32 log-probs: were they quantized? " + r);
        assertTrue(Math.abs(r.perplexity() / r.perplexityF32() - 1) < 0.01, r.toString());
    }

    @Test
    void onlyTheBigMatricesAreQuantizedAndATiedHeadIsACopy(@TempDir Path dir) {
        RandomCheckpoint.write(dir, spec().withFormat(false, true, dev.plt.model.io.DType.F32, 3, 1));
        ModelWeights w = WeightLoader.load(dir, ConfigLoader.load(dir), WeightFormat.INT8);
        assertInstanceOf(Int8Matrix.class, w.lmHead());
        assertInstanceOf(Int8Matrix.class, w.layers().get(0).wq());
        assertInstanceOf(Int8Matrix.class, w.layers().get(0).wDown());
        assertTrue(!(w.embedTokens() instanceof Int8Matrix), "embeddings stay f32");
        assertNotSame(w.embedTokens(), w.lmHead());
        ModelWeights stored = WeightLoader.load(dir, ConfigLoader.load(dir), WeightFormat.STORED);
        assertSame(stored.embedTokens(), stored.lmHead());
    }

    @Test
    void aMatrixThatIsNotWholeBlocksIsAOneLineErrorNamingTheTensorAndTheOption(@TempDir Path dir) {
        RandomCheckpoint.write(dir, RandomCheckpoint.Spec.small().withShape(40, 64, 1, 4, 2, 8, 300));
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> PltModel.load(dir, EngineOptions.defaults().withThreads(1).withWeights(WeightFormat.INT8)));
        assertEquals("--weights int8: tensor 'model.layers.0.self_attn.q_proj.weight' has 40 input features, not a "
                + "multiple of the int8 block (32); load this model with --weights stored", e.getMessage());
    }

    @Test
    void anUnknownFormatNamesTheOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WeightFormat.of("int4"));
        assertEquals("--weights: unknown weight format 'int4' (use stored, f32, bf16 or int8)", e.getMessage());
        assertEquals(WeightFormat.INT8, WeightFormat.of("INT8"));
    }
}
