package dev.plt.udfs.batch;

import dev.plt.model.errors.ErrorKind;
import dev.plt.model.errors.InvalidInputException;

/**
 * A row whose KV cache alone is over its task's share of the KV budget: it gets this as its row
 * error (a too-long row) instead of running, so no batch ever holds more than the budget.
 */
public final class KvBudgetExceededException extends InvalidInputException {
    public KvBudgetExceededException(long rowBytes, long budgetBytes) {
        super(ErrorKind.TOO_LONG, "the row needs " + KvBudget.size(rowBytes) + " of KV cache, over this task's budget of "
                + KvBudget.size(budgetBytes) + " (raise --kv-budget, or give executors more heap or fewer cores)");
    }
}
