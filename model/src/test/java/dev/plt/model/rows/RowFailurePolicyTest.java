package dev.plt.model.rows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.errors.ErrorKind;
import dev.plt.model.errors.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RowFailurePolicyTest {
    /** A row: a cost, and whether it breaks its preparation or any batch it is in. */
    private static final class Item {
        final int id;
        final int cost;
        final boolean badInput;
        final boolean poison;
        boolean prepared;
        int runsAlone;
        int result = -1;
        RowFailure failure;
        int failures;

        Item(int id, int cost, boolean badInput, boolean poison) {
            this.id = id;
            this.cost = cost;
            this.badInput = badInput;
            this.poison = poison;
        }
    }

    @Test
    void everyRowEndsWithItsResultOrExactlyOneFailureWhateverTheBatching() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            List<Item> window = new ArrayList<>();
            int n = 1 + random.nextInt(40);
            for (int i = 0; i < n; i++) {
                window.add(new Item(i, 1 + random.nextInt(50), random.nextInt(8) == 0, random.nextInt(10) == 0));
            }
            int maxRows = 1 + random.nextInt(8);
            List<List<Item>> planned = new ArrayList<>();
            RowFailurePolicy.process(window, new RowFailurePolicy.Steps<>() {
                @Override
                public void prepare(Item item) {
                    if (item.badInput) {
                        throw new InvalidInputException(ErrorKind.TOO_LONG, "row " + item.id + " is too long");
                    }
                    item.prepared = true;
                }

                @Override
                public int cost(Item item) {
                    return item.cost;
                }

                @Override
                public List<List<Item>> split(List<Item> sorted) {
                    return MicroBatcher.split(sorted, item -> item.cost, maxRows, Long.MAX_VALUE);
                }

                @Override
                public void run(List<Item> batch) {
                    if (batch.size() == 1) {
                        batch.get(0).runsAlone++;
                    }
                    for (Item item : batch) {
                        assertTrue(item.prepared, "a row that failed to prepare never reaches the engine");
                        if (item.poison) {
                            throw new IllegalStateException("engine broke on row " + item.id);
                        }
                    }
                    batch.forEach(item -> item.result = item.id * 10);
                }

                @Override
                public void fail(Item item, RowFailure failure) {
                    item.failure = failure;
                    item.failures++;
                }
            }, planned::add);

            for (Item item : window) {
                if (item.badInput) {
                    assertEquals(new RowFailure(ErrorKind.TOO_LONG, "row " + item.id + " is too long"), item.failure);
                } else if (item.poison) {
                    assertEquals(new RowFailure(ErrorKind.ENGINE,
                            "IllegalStateException: engine broke on row " + item.id), item.failure);
                    assertEquals(1, item.runsAlone, "a failing row is tried alone exactly once");
                } else {
                    assertNull(item.failure, "a good row is never failed by a bad neighbour");
                    assertEquals(item.id * 10, item.result);
                }
                assertEquals(item.failure == null ? 0 : 1, item.failures);
            }
            // The plan: prepared rows only, by decreasing cost, each in exactly one planned batch.
            List<Item> order = planned.stream().flatMap(List::stream).toList();
            assertEquals(window.stream().filter(i -> !i.badInput).count(), order.size());
            for (int i = 1; i < order.size(); i++) {
                assertFalse(order.get(i).cost > order.get(i - 1).cost, "batches are cut from rows sorted by cost");
            }
            planned.forEach(batch -> assertTrue(batch.size() <= maxRows));
        }
    }

    @Test
    void aFailureMessageNamesTheExceptionUnlessTheInputIsAtFault() {
        assertEquals(new RowFailure(ErrorKind.ENGINE, "NullPointerException"),
                RowFailure.of(new NullPointerException()));
        assertEquals(new RowFailure(ErrorKind.EMPTY_INPUT, "empty"),
                RowFailure.of(new InvalidInputException(ErrorKind.EMPTY_INPUT, "empty")));
        assertTrue(RowFailure.of(new IllegalStateException("x")).engineFault());
    }
}
