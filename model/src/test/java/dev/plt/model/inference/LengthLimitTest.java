package dev.plt.model.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.config.ModelConfig;
import dev.plt.model.errors.ErrorKind;
import dev.plt.model.errors.InvalidInputException;
import dev.plt.model.checkpoint.RandomCheckpoint;
import dev.plt.model.config.ConfigLoader;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plt.model.inference.LengthLimit.Overlong;
import org.junit.jupiter.api.Test;

class LengthLimitTest {
    private static final int[] TEN = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};

    @Test
    void rowsThatFitAreLeftAlone() {
        LengthLimit limit = new LengthLimit(10, Overlong.ERROR);
        assertSame(TEN, limit.fit(TEN, 0));
        assertSame(TEN, new LengthLimit(12, Overlong.TRUNCATE_LEFT).fit(TEN, 2));
    }

    @Test
    void errorModeFailsTheRowAsTooLong() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new LengthLimit(8, Overlong.ERROR).fit(TEN, 0));
        assertEquals(ErrorKind.TOO_LONG, e.kind());
        assertTrue(e.getMessage().contains("10 tokens") && e.getMessage().contains("length limit of 8"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> new LengthLimit(12, Overlong.ERROR).fit(TEN, 4));
        assertTrue(e.getMessage().contains("+ 4 more positions"), e.getMessage());
    }

    @Test
    void truncateLeftKeepsTheLastTokensAndLeavesRoomForWhatFollows() {
        assertArrayEquals(new int[] {7, 8, 9}, new LengthLimit(3, Overlong.TRUNCATE_LEFT).fit(TEN, 0));
        assertArrayEquals(new int[] {8, 9}, new LengthLimit(5, Overlong.TRUNCATE_LEFT).fit(TEN, 3));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new LengthLimit(3, Overlong.TRUNCATE_LEFT).fit(TEN, 3));
        assertEquals(ErrorKind.TOO_LONG, e.kind(), "nothing of the prompt would be left");
    }

    @Test
    void aScoredSequenceMayHoldOneTokenMoreThanItsPositions() {
        assertSame(TEN, new LengthLimit(9, Overlong.ERROR).fitScored(TEN), "10 tokens feed 9 positions");
        assertThrows(InvalidInputException.class, () -> new LengthLimit(8, Overlong.ERROR).fitScored(TEN));
        assertArrayEquals(new int[] {6, 7, 8, 9}, new LengthLimit(3, Overlong.TRUNCATE_LEFT).fitScored(TEN));
    }

    @Test
    void zeroMeansTheModelsMaxPositionEmbeddings() throws Exception {
        String json = new ObjectMapper().writeValueAsString(RandomCheckpoint.config(RandomCheckpoint.Spec.small()));
        ModelConfig config = ConfigLoader.parse("config.json", json);
        assertEquals(4096, LengthLimit.modelDefault().forModel(config).maxLength());
        assertEquals(7, new LengthLimit(7, Overlong.ERROR).forModel(config).maxLength());
        assertThrows(IllegalStateException.class, () -> LengthLimit.modelDefault().fit(TEN, 0));
    }

    @Test
    void optionValuesParse() {
        assertEquals(Overlong.TRUNCATE_LEFT, Overlong.parse("truncate-left"));
        assertEquals("truncate-left", Overlong.TRUNCATE_LEFT.option());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Overlong.parse("cut"));
        assertTrue(e.getMessage().contains("--overlong") && e.getMessage().contains("cut"), e.getMessage());
    }
}
