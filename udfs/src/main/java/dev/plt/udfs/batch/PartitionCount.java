package dev.plt.udfs.batch;

/**
 * How many partitions a job's rows get when the user did not say. The jobs prefer several partitions per
 * task slot (progress advances as tasks finish; a lost task costs less to redo), but a partition holding
 * fewer rows than one micro-batch only costs: each is a Spark task (scheduling, serialization, for the jobs
 * a committed file), and its rows reach the engine in smaller batches. So a small input gets as many
 * partitions as it has micro-batches of rows, but never fewer than the task slots, which would leave
 * slots idle. Results do not depend on the partitioning, so this changes no value.
 */
public final class PartitionCount {
    private PartitionCount() {
    }

    /**
     * @param preferred the count for a large input (e.g. 8 x Spark's default parallelism)
     * @param rows      rows to compute
     * @param batchSize rows per engine micro-batch
     * @param slots     task slots (Spark's default parallelism)
     */
    public static int fitted(int preferred, long rows, int batchSize, int slots) {
        if (preferred < 1 || batchSize < 1 || slots < 1 || rows < 0) {
            throw new IllegalArgumentException("partitions " + preferred + ", batch size " + batchSize + ", slots " + slots
                    + " must be >= 1 and rows " + rows + " >= 0");
        }
        long batches = (rows + batchSize - 1) / batchSize;
        return (int) Math.max(1, Math.min(preferred, Math.max(slots, batches)));
    }
}
