package dev.plt.jobs.options;

import dev.plt.model.inference.LengthLimit;
import dev.plt.udfs.batch.EngineSettings;
import org.apache.spark.network.util.JavaUtils;
import picocli.CommandLine.Option;

/**
 * How the Spark jobs (score, generate, evaluate) batch rows for the engine (a picocli mixin), and the one
 * place where the command line becomes {@link EngineSettings}: {@link #engineSettings} is built once per
 * job and handed unchanged to the LM, the transformers and the partition runner.
 */
public final class BatchOptions {
    @Option(names = "--batch-size", defaultValue = "16", paramLabel = "N",
            description = "Rows per engine micro-batch (results do not depend on it). Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--max-batch-tokens", defaultValue = "16384", paramLabel = "N",
            description = "Tokens per engine micro-batch. Default: ${DEFAULT-VALUE}.")
    long maxBatchTokens;

    @Option(names = "--kv-budget", paramLabel = "SIZE",
            description = "KV-cache memory per executor JVM (e.g. 512m, 2g), split between the tasks it runs at once: "
                    + "micro-batches are sized to stay under each task's share, and a row that alone needs more gets "
                    + "a 'too long' row error. Default: half the executor's max heap.")
    String kvBudget;

    /** Rows per micro-batch, checked. */
    public int batchSize() {
        return OptionRanges.atLeast("--batch-size", batchSize, 1);
    }

    /** Checks every option, naming it, so a bad one fails before any work. */
    public void validate() {
        batchSize();
        OptionRanges.atLeast("--max-batch-tokens", maxBatchTokens, 1);
        kvBudgetBytes();
    }

    /** The budget in bytes, or 0 for the default. */
    public long kvBudgetBytes() {
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

    /** Every engine setting of the command line: the model options, these, and the length limit. */
    public EngineSettings engineSettings(ModelOptions model, LengthLimit limit) {
        model.validate();
        validate();
        Integer threads = model.threads();
        return new EngineSettings(threads == null ? 0 : threads, model.backend(), model.path(), model.prefillChunk(),
                batchSize, maxBatchTokens, EngineSettings.DEFAULT_SORT_WINDOW, kvBudgetBytes(), limit, model.weights());
    }
}
