package dev.plt.jobs.spark;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs rows done, rows/s and tokens/s every few seconds while a job runs (from the accumulators the
 * transformers fill as partitions finish windows), and a summary line at the end.
 */
public final class Progress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

    private final String job;
    private final LongAccumulator rows;
    private final LongAccumulator tokens;
    private final long start = System.nanoTime();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "plt-progress");
        t.setDaemon(true);
        return t;
    });

    public Progress(String job, LongAccumulator rows, LongAccumulator tokens, int everySeconds) {
        this.job = job;
        this.rows = rows;
        this.tokens = tokens;
        timer.scheduleAtFixedRate(this::log, everySeconds, everySeconds, TimeUnit.SECONDS);
    }

    public double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    public long rows() {
        return rows.value();
    }

    public long tokens() {
        return tokens.value();
    }

    private void log() {
        double s = seconds();
        LOG.info("{}: {} rows done, {} rows/s, {} tokens/s", job, rows.value(), String.format("%.1f", rows.value() / s),
                String.format("%.0f", tokens.value() / s));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
