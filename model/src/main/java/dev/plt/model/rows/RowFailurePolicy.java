package dev.plt.model.rows;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one row-failure policy of every job (the Spark partition runner and {@code plt infer}):
 * <ol>
 *   <li>each row is prepared on its own; a row that cannot be prepared gets its error and goes no further;</li>
 *   <li>the prepared rows are sorted by decreasing cost (tokens), so rows of similar length share a batch;</li>
 *   <li>they are cut into micro-batches (the caller's bounds, see {@link MicroBatcher});</li>
 *   <li>each batch runs; if it fails, its rows are retried one by one, so one bad row cannot take its
 *       neighbours down;</li>
 *   <li>a row that fails alone gets exactly one {@link RowFailure}.</li>
 * </ol>
 * Retrying changes no result: the engine is batch-invariant, so a row alone gives the same bits as in
 * its batch. Results and failures are recorded on the caller's row objects, whose order is the
 * caller's; this class never reorders what the caller emits.
 */
public final class RowFailurePolicy {
    private static final Logger LOG = LoggerFactory.getLogger(RowFailurePolicy.class);

    private RowFailurePolicy() {
    }

    /** The steps a job supplies; {@code R} is the job's row in flight. */
    public interface Steps<R> {
        /** Makes the row ready for the engine, or throws (a bad input); called once per row. */
        void prepare(R row);

        /** Tokens the row puts through the engine (its sort key and batch weight); called after prepare. */
        int cost(R row);

        /** Cuts prepared rows, sorted by decreasing cost, into micro-batches. */
        List<List<R>> split(List<R> sortedByDecreasingCost);

        /** Runs one micro-batch and records each row's result on it; throws if the batch fails. */
        void run(List<R> batch);

        /** Records that a row failed (in preparing it, or alone in the engine). */
        void fail(R row, RowFailure failure);
    }

    /**
     * Runs the policy over a window of rows.
     *
     * @param planned receives every micro-batch before it runs (for statistics)
     */
    public static <R> void process(List<R> window, Steps<R> steps, Consumer<List<R>> planned) {
        List<R> runnable = new ArrayList<>(window.size());
        for (R row : window) {
            try {
                steps.prepare(row);
                runnable.add(row);
            } catch (RuntimeException e) {
                fail(steps, row, e);
            }
        }
        runnable.sort(Comparator.comparingInt(steps::cost).reversed());
        for (List<R> batch : steps.split(runnable)) {
            planned.accept(batch);
            try {
                steps.run(batch);
            } catch (RuntimeException batchFailure) {
                if (batch.size() > 1) {
                    LOG.warn("A micro-batch of {} rows failed ({}); retrying its rows one by one", batch.size(),
                            RowFailure.of(batchFailure).message());
                }
                for (R row : batch) {
                    try {
                        if (batch.size() == 1) {
                            throw batchFailure; // a batch of one has already run alone
                        }
                        steps.run(List.of(row));
                    } catch (RuntimeException e) {
                        fail(steps, row, e);
                    }
                }
            }
        }
    }

    /** {@link #process} with steps given as functions, for callers that need no batch statistics. */
    public static <R> void process(List<R> window, Consumer<R> prepare, ToIntFunction<R> cost,
            Function<List<R>, List<List<R>>> split, Consumer<List<R>> run, BiConsumer<R, RowFailure> fail) {
        process(window, new Steps<>() {
            @Override
            public void prepare(R row) {
                prepare.accept(row);
            }

            @Override
            public int cost(R row) {
                return cost.applyAsInt(row);
            }

            @Override
            public List<List<R>> split(List<R> sorted) {
                return split.apply(sorted);
            }

            @Override
            public void run(List<R> batch) {
                run.accept(batch);
            }

            @Override
            public void fail(R row, RowFailure failure) {
                fail.accept(row, failure);
            }
        }, batch -> { });
    }

    private static <R> void fail(Steps<R> steps, R row, RuntimeException e) {
        RowFailure failure = RowFailure.of(e);
        if (failure.engineFault()) {
            LOG.warn("A row failed in the engine", e); // not the input's fault: keep the stack for a bug report
        }
        steps.fail(row, failure);
    }
}
