package dev.plt.jobs.cli;

import org.apache.spark.network.util.JavaUtils;
import picocli.CommandLine.Option;

/** {@code --kv-budget}, shared by the Spark jobs (a picocli mixin). */
public final class KvBudgetOption {
    @Option(names = "--kv-budget", paramLabel = "SIZE",
            description = "KV-cache memory per executor JVM (e.g. 512m, 2g), split between the tasks it runs at once: "
                    + "micro-batches are sized to stay under each task's share, and a row that alone needs more gets "
                    + "a 'too long' row error. Default: half the executor's max heap.")
    String kvBudget;

    /** The budget in bytes, or 0 for the default. */
    public long bytes() {
        if (kvBudget == null) {
            return 0;
        }
        long bytes;
        try {
            bytes = JavaUtils.byteStringAsBytes(kvBudget.strip());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--kv-budget '" + kvBudget + "' is not a size: give bytes or a number "
                    + "with k, m, g or t (e.g. 512m, 2g)");
        }
        if (bytes < 1) {
            throw new IllegalArgumentException("--kv-budget must be at least 1 byte, got '" + kvBudget + "'");
        }
        return bytes;
    }
}
