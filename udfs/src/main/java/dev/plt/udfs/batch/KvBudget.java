package dev.plt.udfs.batch;

import dev.plt.model.inference.PltModel;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * The KV-cache bytes one task's micro-batch may hold. The budget is set per executor JVM (or, by
 * default, {@link #DEFAULT_HEAP_FRACTION} of its max heap, where the engine keeps K/V as float
 * arrays) and split evenly between the task slots that run at once in that JVM, so that all of
 * them together stay under it. A row's bytes come from {@code KvFootprint} (plt-spec section 4) for
 * every sequence the engine holds for it at once.
 *
 * @param executorBytes the budget of the whole executor JVM
 * @param taskSlots     tasks that run at once in that JVM
 */
public record KvBudget(long executorBytes, int taskSlots) {
    /** Share of the executor's max heap used when no budget is given. */
    public static final double DEFAULT_HEAP_FRACTION = 0.5;

    /** local[N], local[*], local[N, maxFailures]: N task threads in the driver JVM. */
    private static final Pattern LOCAL_MASTER = Pattern.compile("local\\[\\s*(\\d+|\\*)");

    public KvBudget {
        if (executorBytes < 1 || taskSlots < 1) {
            throw new IllegalArgumentException("KV budget must be >= 1 byte and task slots >= 1 (got "
                    + executorBytes + " bytes, " + taskSlots + " slots)");
        }
    }

    /** What one task's micro-batches may hold. */
    public long perTaskBytes() {
        return Math.max(1, executorBytes / taskSlots);
    }

    /**
     * The budget in the JVM this runs in: {@code explicitBytes} when > 0, else the default fraction of
     * the max heap; slots from the executor's cores and {@code spark.task.cpus} (1 outside Spark).
     */
    public static KvBudget forThisExecutor(long explicitBytes) {
        long bytes = explicitBytes > 0 ? explicitBytes
                : (long) (Runtime.getRuntime().maxMemory() * DEFAULT_HEAP_FRACTION);
        SparkEnv env = SparkEnv.get();
        TaskContext context = TaskContext.get();
        if (env == null || context == null) {
            return new KvBudget(bytes, 1);
        }
        int executorCores = executorCores(env.conf(), Runtime.getRuntime().availableProcessors());
        return new KvBudget(bytes, Math.max(1, executorCores / Math.max(1, context.cpus())));
    }

    /**
     * Cores of this executor: local[N] in local mode (driver and executor are one JVM), else
     * spark.executor.cores; without it (standalone gives an executor all of a worker's cores and
     * does not tell it how many) the JVM's processor count, which can only make each share smaller.
     */
    static int executorCores(SparkConf conf, int processors) {
        String master = conf.get("spark.master", "");
        if (master.equals("local")) {
            return 1;
        }
        Matcher local = LOCAL_MASTER.matcher(master);
        if (local.lookingAt()) {
            return local.group(1).equals("*") ? processors : Integer.parseInt(local.group(1));
        }
        return conf.contains("spark.executor.cores") ? conf.getInt("spark.executor.cores", processors) : processors;
    }

    /**
     * KV bytes the engine holds for one prepared row while its batch runs: a prompt's sequence at its
     * full length (prompt plus the tokens it may generate, which {@link Prepared#cost()} counts), or a
     * multiple-choice context plus one fork of it per choice.
     */
    public static long bytesOf(PltModel model, Prepared row) {
        if (row.windowIds() != null) {
            // Windows are scored one after another: the longest one bounds the row.
            long largest = 0;
            for (int[] window : row.windowIds()) {
                largest = Math.max(largest, model.kvBytesPerSequence(window.length));
            }
            return largest;
        }
        if (row.choiceIds() == null) {
            return model.kvBytesPerSequence(row.cost());
        }
        int context = row.promptIds().length;
        long bytes = model.kvBytesPerSequence(context);
        for (int[] choice : row.choiceIds()) {
            bytes += model.kvBytesPerSequence(context + choice.length);
        }
        return bytes;
    }

    /** "12.5 MiB", "3.0 KiB": how budgets and row sizes appear in errors and logs. */
    public static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes / 1024.0;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
