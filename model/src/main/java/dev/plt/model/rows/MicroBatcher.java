package dev.plt.model.rows;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * Splits rows, already sorted by decreasing cost, into micro-batches bounded by a row count, a token
 * count and the KV-cache bytes the engine holds for the batch at once. Sorting puts rows of similar
 * length together, so little work is spent on short rows waiting for long ones. A single row over
 * the token bound still gets a batch of its own; rows over the KV bound must be taken out before
 * (they get a row error: the Spark runner checks its KV budget first), so every batch stays under it.
 */
public final class MicroBatcher {
    private MicroBatcher() {
    }

    public static <T> List<List<T>> split(List<T> sorted, ToIntFunction<T> cost, int maxRows, long maxTokens) {
        return split(sorted, cost, item -> 0L, maxRows, maxTokens, Long.MAX_VALUE);
    }

    /**
     * @param kvBytes    KV-cache bytes of one item; each must be at most {@code maxKvBytes}
     * @param maxKvBytes the most KV bytes one batch may hold
     */
    public static <T> List<List<T>> split(List<T> sorted, ToIntFunction<T> cost, ToLongFunction<T> kvBytes,
            int maxRows, long maxTokens, long maxKvBytes) {
        if (maxRows < 1 || maxTokens < 1 || maxKvBytes < 1) {
            throw new IllegalArgumentException("micro-batch bounds must be >= 1 (rows " + maxRows + ", tokens "
                    + maxTokens + ", KV bytes " + maxKvBytes + ")");
        }
        List<List<T>> batches = new ArrayList<>();
        List<T> current = new ArrayList<>();
        long tokens = 0;
        long kv = 0;
        for (T item : sorted) {
            int c = cost.applyAsInt(item);
            long bytes = kvBytes.applyAsLong(item);
            if (bytes > maxKvBytes) {
                throw new IllegalArgumentException("an item needs " + bytes + " KV bytes, over the batch bound of "
                        + maxKvBytes + ": take it out before batching");
            }
            boolean full = current.size() == maxRows || tokens + c > maxTokens || kv + bytes > maxKvBytes;
            if (!current.isEmpty() && full) {
                batches.add(current);
                current = new ArrayList<>();
                tokens = 0;
                kv = 0;
            }
            current.add(item);
            tokens += c;
            kv += bytes;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }
}
