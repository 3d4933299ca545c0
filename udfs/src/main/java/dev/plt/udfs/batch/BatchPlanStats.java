package dev.plt.udfs.batch;

import java.io.Serializable;
import org.apache.spark.util.AccumulatorV2;

/**
 * What the micro-batch plans of a run looked like, gathered from every task (a Spark accumulator):
 * how many batches ran, the largest KV-cache bytes one batch held and the largest share of its
 * task's budget that was. Lets a job report, and a test check, that no batch went over the budget.
 */
public final class BatchPlanStats extends AccumulatorV2<BatchPlanStats.Batch, BatchPlanStats.Summary> {
    private static final long serialVersionUID = 1L;

    /** One micro-batch as planned: its rows, its KV bytes and the budget of the task that ran it. */
    public record Batch(int rows, long kvBytes, long budgetBytes) implements Serializable {
    }

    /**
     * @param largestKvBytes     the most KV bytes one batch held
     * @param smallestBudget     the smallest per-task budget any batch ran under (Long.MAX_VALUE if none)
     * @param largestBudgetShare max over batches of KV bytes / the task's budget (at most 1 when all fit)
     */
    public record Summary(long batches, long rows, long largestKvBytes, long smallestBudget, double largestBudgetShare)
            implements Serializable {
    }

    private long batches;
    private long rows;
    private long largestKvBytes;
    private long smallestBudget = Long.MAX_VALUE;
    private double largestBudgetShare;

    @Override
    public boolean isZero() {
        return batches == 0;
    }

    @Override
    public BatchPlanStats copy() {
        BatchPlanStats copy = new BatchPlanStats();
        copy.merge(this);
        return copy;
    }

    @Override
    public void reset() {
        batches = 0;
        rows = 0;
        largestKvBytes = 0;
        smallestBudget = Long.MAX_VALUE;
        largestBudgetShare = 0;
    }

    @Override
    public void add(Batch batch) {
        batches++;
        rows += batch.rows();
        largestKvBytes = Math.max(largestKvBytes, batch.kvBytes());
        smallestBudget = Math.min(smallestBudget, batch.budgetBytes());
        largestBudgetShare = Math.max(largestBudgetShare, (double) batch.kvBytes() / batch.budgetBytes());
    }

    @Override
    public void merge(AccumulatorV2<Batch, Summary> other) {
        Summary s = other.value();
        batches += s.batches();
        rows += s.rows();
        largestKvBytes = Math.max(largestKvBytes, s.largestKvBytes());
        smallestBudget = Math.min(smallestBudget, s.smallestBudget());
        largestBudgetShare = Math.max(largestBudgetShare, s.largestBudgetShare());
    }

    @Override
    public Summary value() {
        return new Summary(batches, rows, largestKvBytes, smallestBudget, largestBudgetShare);
    }
}
