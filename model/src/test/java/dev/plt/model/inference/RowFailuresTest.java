package dev.plt.model.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.errors.ErrorKind;
import dev.plt.model.errors.InvalidInputException;
import dev.plt.model.checkpoint.RandomCheckpoint;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Row failures carry a stable kind, and a row whose activations overflow fails as {@code non_finite}
 * instead of returning NaN, while rows without the overflow still compute.
 */
class RowFailuresTest {
    /** Token 7's embedding holds Float.MAX_VALUE: finite (it loads), but loop 2 adds the carried hidden
     *  state of a previous 7 to it, which overflows to Inf, and the next norm turns that into NaN. */
    static final int HOT = 7;

    @TempDir
    static Path dir;
    static PltModel model;

    @BeforeAll
    static void load() {
        Path checkpoint = RandomCheckpoint.write(dir.resolve("overflow"), RandomCheckpoint.Spec.small());
        RandomCheckpoint.setValue(checkpoint, "model.embed_tokens.weight", HOT * 32, Float.MAX_VALUE);
        model = PltModel.load(checkpoint, EngineOptions.defaults().withThreads(1));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void badTokenInputsHaveTheirKinds() {
        assertEquals(ErrorKind.EMPTY_INPUT, assertThrows(InvalidInputException.class,
                () -> model.validate(new int[0])).kind());
        assertEquals(ErrorKind.TOKEN_OUT_OF_RANGE, assertThrows(InvalidInputException.class,
                () -> model.validate(new int[] {1, 300})).kind());
        assertEquals(ErrorKind.TOKEN_OUT_OF_RANGE, assertThrows(InvalidInputException.class,
                () -> model.validate(new int[] {-1})).kind());
        assertEquals(ErrorKind.ENGINE, ErrorKind.of(new IllegalStateException("bug")));
        assertEquals("token_out_of_range", ErrorKind.TOKEN_OUT_OF_RANGE.code());
    }

    @Test
    void scoringARowWhoseLogitsOverflowFailsAsNonFinite() {
        int[] good = {1, HOT, 2, 3};
        int[] bad = {1, HOT, HOT, 2};
        double total = model.score(List.of(good)).get(0).total();
        assertTrue(Double.isFinite(total), "one hot token alone does not overflow");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> model.score(List.of(bad)));
        assertEquals(ErrorKind.NON_FINITE, e.kind());
        assertTrue(e.getMessage().contains("position 2"), e.getMessage());
        // In a batch the whole call fails; callers retry row by row, and the good row is unchanged.
        assertThrows(InvalidInputException.class, () -> model.score(List.of(good, bad)));
        assertEquals(total, model.score(List.of(good)).get(0).total(), 0.0);
    }

    @Test
    void generatingFromOverflowingLogitsFailsInsteadOfPickingAToken() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> model.generate(List.of(new int[] {1, HOT, HOT}), GenerationParams.greedy(3)));
        assertEquals(ErrorKind.NON_FINITE, e.kind());
        assertFalse(model.generate(List.of(new int[] {1, 2, 3}), GenerationParams.greedy(3)).isEmpty());
    }

    @Test
    void continuationScoresThatOverflowFailAsNonFinite() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> model.loglikelihood(
                List.of(new Scorer.Request(new int[] {1, HOT}, List.of(new int[] {HOT, 5})))));
        assertEquals(ErrorKind.NON_FINITE, e.kind());
        double ok = model.loglikelihood(List.of(new Scorer.Request(new int[] {1, HOT}, List.of(new int[] {4, 5}))))
                .get(0).get(0).logprob();
        assertTrue(Double.isFinite(ok));
    }
}
