package dev.plt.model.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.errors.ErrorKind;
import dev.plt.model.errors.InvalidInputException;
import dev.plt.model.io.ModelFileException;
import dev.plt.model.checkpoint.RandomCheckpoint;
import dev.plt.model.tokenizer.ByteLevelTokenizerJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tokenizer and the embedding must agree on ids: a tokenizer with ids beyond vocab_size is refused
 * at load; a vocab_size padded above the tokenizer loads, and a generated padding id fails its row
 * ({@code token_out_of_range}) instead of silently vanishing from the text.
 */
class VocabularySizesTest {
    private static final String EOT = "<|endoftext|>";

    @TempDir
    Path dir;

    /** The small random model (vocab_size 300) with a tokenizer of 256 bytes + {@code specials}. */
    private Path modelWithTokenizerOf(List<String> specials) {
        Path model = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.Spec.small());
        ByteLevelTokenizerJson.write(model.resolve("tokenizer.json"), List.of(), specials);
        return model;
    }

    @Test
    void aTokenizerWithIdsBeyondTheEmbeddingIsRefusedAtLoad() {
        List<String> specials = new ArrayList<>(List.of(EOT));
        for (int i = 0; i < 59; i++) {
            specials.add("<|extra_" + i + "|>");
        }
        Path model = modelWithTokenizerOf(specials); // ids 0..315: 316 ids for 300 embedding rows
        for (Runnable load : List.<Runnable>of(() -> PltModel.check(model),
                () -> PltModel.load(model, EngineOptions.defaults().withThreads(1)).close())) {
            ModelFileException e = assertThrows(ModelFileException.class, load::run);
            String m = e.getMessage();
            assertFalse(m.contains("\n"), m);
            assertTrue(m.startsWith(model.resolve("tokenizer.json") + ": has token ids up to 315 (a vocabulary of 316)"
                    + " but config.json's vocab_size is 300"), m);
        }
    }

    @Test
    void aPaddedEmbeddingLoadsButAGeneratedPaddingIdFailsItsRow() {
        Path model = modelWithTokenizerOf(List.of(EOT)); // 257 ids for 300 embedding rows: padded, allowed
        // LM-head rows 298 and 299 get a huge weight on hidden dimension 0 with opposite signs: whatever the
        // sign of the final hidden state there, one of the two padding ids wins every greedy step.
        RandomCheckpoint.setValue(model, "lm_head.weight", 298 * 32, -1e4f);
        RandomCheckpoint.setValue(model, "lm_head.weight", 299 * 32, 1e4f);
        try (PltModel loaded = PltModel.load(model, EngineOptions.defaults().withThreads(1))) {
            assertEquals(257, loaded.tokenizer().vocabSize());
            int[] prompt = loaded.tokenizer().encode("Hello");
            assertTrue(Double.isFinite(loaded.score(List.of(prompt)).get(0).total()), "scoring is unaffected");

            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> loaded.generate(List.of(prompt), GenerationParams.greedy(3)));
            assertEquals(ErrorKind.TOKEN_OUT_OF_RANGE, e.kind());
            assertEquals("token_out_of_range", ErrorKind.of(e).code());
            assertTrue(e.getMessage().matches("token id 29[89] at position 0 has no token in .*tokenizer.json"
                    + " \\(257 ids\\).*"), e.getMessage());
            assertThrows(InvalidInputException.class,
                    () -> loaded.scoreAndGenerate(List.of(prompt), GenerationParams.greedy(3)));
        }
    }
}
