package dev.plt.jobs.spark;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs rows done (of the total, with an estimate of the time left, when the total is known), rows/s and
 * tokens/s every few seconds while a job runs, from the accumulators the transformers fill as partitions
 * finish windows.
 */
public final class Progress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

    private final String job;
    private final long total;
    private final LongAccumulator rows;
    private final LongAccumulator tokens;
    private final long start = System.nanoTime();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "plt-progress");
        t.setDaemon(true);
        return t;
    });

    public Progress(String job, LongAccumulator rows, LongAccumulator tokens, int everySeconds) {
        this(job, -1, rows, tokens, everySeconds);
    }

    /** @param total rows the job will compute, or -1 when unknown */
    public Progress(String job, long total, LongAccumulator rows, LongAccumulator tokens, int everySeconds) {
        this.job = job;
        this.total = total;
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
        LOG.info(line(rows.value(), tokens.value(), seconds()));
    }

    /** "plt score: 120 of 400 rows (30%), 4.1 rows/s, 310 tokens/s, about 1m08s left". */
    String line(long done, long tokenCount, double s) {
        double rate = done / s;
        String rates = String.format("%.1f rows/s, %.0f tokens/s", rate, tokenCount / s);
        if (total <= 0) {
            return job + ": " + done + " rows done, " + rates;
        }
        String left = done == 0 ? "time left unknown yet" : "about " + duration((total - done) / rate) + " left";
        return String.format("%s: %d of %d rows (%.0f%%), %s, %s", job, done, total, 100.0 * done / total, rates, left);
    }

    static String duration(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
