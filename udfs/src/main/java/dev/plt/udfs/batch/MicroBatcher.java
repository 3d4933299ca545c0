package dev.plt.udfs.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Splits rows, already sorted by decreasing cost, into micro-batches bounded by a row count and a
 * token count. Sorting puts rows of similar length together, so little work is spent on short rows
 * waiting for long ones; a single row over the token bound still gets a batch of its own.
 */
public final class MicroBatcher {
    private MicroBatcher() {
    }

    public static <T> List<List<T>> split(List<T> sorted, ToIntFunction<T> cost, int maxRows, long maxTokens) {
        if (maxRows < 1 || maxTokens < 1) {
            throw new IllegalArgumentException("micro-batch bounds must be >= 1 (rows " + maxRows + ", tokens "
                    + maxTokens + ")");
        }
        List<List<T>> batches = new ArrayList<>();
        List<T> current = new ArrayList<>();
        long tokens = 0;
        for (T item : sorted) {
            int c = cost.applyAsInt(item);
            if (!current.isEmpty() && (current.size() == maxRows || tokens + c > maxTokens)) {
                batches.add(current);
                current = new ArrayList<>();
                tokens = 0;
            }
            current.add(item);
            tokens += c;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }
}
