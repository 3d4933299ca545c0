package dev.plt.udfs.batch;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.util.AccumulatorV2;

/**
 * Row errors counted by {@code error_kind} code, summed over every task of a job (a Spark
 * accumulator): what the job summaries print as "3 errors: 2 null_input, 1 too_long". Like every
 * accumulator updated inside a transformation, a retried task may count its rows twice; the output's
 * {@code error_kind} column is the exact record.
 */
public final class ErrorKindCounts extends AccumulatorV2<Map<String, Long>, Map<String, Long>> {
    private static final long serialVersionUID = 1L;

    private final TreeMap<String, Long> counts = new TreeMap<>();

    @Override
    public boolean isZero() {
        return counts.isEmpty();
    }

    @Override
    public ErrorKindCounts copy() {
        ErrorKindCounts copy = new ErrorKindCounts();
        synchronized (this) {
            copy.counts.putAll(counts);
        }
        return copy;
    }

    @Override
    public synchronized void reset() {
        counts.clear();
    }

    @Override
    public synchronized void add(Map<String, Long> more) {
        more.forEach((kind, n) -> counts.merge(kind, n, Long::sum));
    }

    @Override
    public void merge(AccumulatorV2<Map<String, Long>, Map<String, Long>> other) {
        add(other.value());
    }

    @Override
    public synchronized Map<String, Long> value() {
        return new TreeMap<>(counts);
    }

    /** "2 null_input, 1 too_long" (kinds in name order), or "" for none. */
    public static String describe(Map<String, Long> counts) {
        return counts.entrySet().stream().filter(e -> e.getValue() > 0)
                .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
    }
}
