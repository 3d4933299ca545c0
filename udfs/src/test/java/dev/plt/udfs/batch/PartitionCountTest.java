package dev.plt.udfs.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PartitionCountTest {
    @Test
    void aSmallInputGetsOnePartitionPerMicroBatchButEverySlotOne() {
        assertEquals(1, PartitionCount.fitted(8, 10, 16, 1), "10 rows, batches of 16, one slot: one partition");
        assertEquals(2, PartitionCount.fitted(16, 10, 16, 2), "every slot keeps a partition");
        assertEquals(2, PartitionCount.fitted(8, 32, 16, 1), "32 rows are two micro-batches");
        assertEquals(3, PartitionCount.fitted(8, 33, 16, 1), "a partial batch counts");
        assertEquals(1, PartitionCount.fitted(8, 0, 16, 1), "no rows: one partition");
    }

    @Test
    void aLargeInputKeepsThePreferredCount() {
        assertEquals(16, PartitionCount.fitted(16, 1_000_000, 16, 2));
        assertEquals(8, PartitionCount.fitted(8, 8 * 16, 16, 1));
        assertEquals(7, PartitionCount.fitted(7, 8 * 16, 16, 8), "never more than preferred, even for idle slots");
    }

    /** Against the rule written out the slow way: the smallest count whose partitions hold a batch each, clamped. */
    @Test
    void matchesThePlainRuleOnRandomInputs() {
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 10_000; i++) {
            int preferred = random.nextInt(1, 200);
            long rows = random.nextLong(0, 5_000);
            int batch = random.nextInt(1, 64);
            int slots = random.nextInt(1, 32);
            int batches = 0;
            for (long left = rows; left > 0; left -= batch) {
                batches++;
            }
            int expected = Math.min(preferred, Math.max(slots, batches));
            assertEquals(Math.max(1, expected), PartitionCount.fitted(preferred, rows, batch, slots),
                    preferred + " " + rows + " " + batch + " " + slots);
        }
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> PartitionCount.fitted(0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> PartitionCount.fitted(1, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> PartitionCount.fitted(1, -1, 1, 1));
    }
}
