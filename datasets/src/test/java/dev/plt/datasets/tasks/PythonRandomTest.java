package dev.plt.datasets.tasks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The expected numbers are CPython 3.11.7's, printed by {@code random.Random(seed).sample(range(n), k)} and
 * {@code getrandbits(32)}: the draws lm-eval's few-shot sampler makes.
 */
class PythonRandomTest {

    @Test
    void sampleFromALargePopulationDrawsAsCPythonsSetPath() {
        PythonRandom r = new PythonRandom(1234);
        assertArrayEquals(new int[] {6374, 3610, 957, 61, 742}, r.sample(7473, 5));
        assertArrayEquals(new int[] {7462, 6610, 4769, 286, 5501}, r.sample(7473, 5), "the stream goes on");
        assertArrayEquals(new int[] {5677, 687, 806, 6279, 2905}, r.sample(7473, 5));
    }

    @Test
    void smallPopulationsUseThePoolPathAndBitsFollowOn() {
        PythonRandom r = new PythonRandom(1234);
        assertArrayEquals(new int[] {7, 1, 0}, r.sample(10, 3));
        assertArrayEquals(new int[] {2, 25, 18, 1, 21, 22, 29}, r.sample(30, 7), "k > 5: setsize 85, pool path");
        assertEquals(422719469L, r.getrandbits(32));
    }

    @Test
    void seedsAreTheMagnitudeInLittleEndianWords() {
        assertArrayEquals(new int[] {4131, 4234, 2200, 5437, 224}, new PythonRandom((1L << 40) + 5).sample(7473, 5));
        assertArrayEquals(new int[] {2652, 1235, 3234, 5332, 395}, new PythonRandom(-7).sample(7473, 5),
                "random.Random(-7) seeds with abs(-7)");
    }

    @Test
    void tooLargeASampleIsRefusedAsPythonDoes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PythonRandom(1).sample(3, 4));
        assertEquals("Sample larger than population or is negative: k=4, n=3", e.getMessage());
    }
}
