package dev.plt.jobs;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One local[2] Spark session for the whole test JVM. Starting Spark costs seconds and used to be most
 * of this module's unit-test time; every job a test runs through the command line joins the running
 * session instead of starting its own (see {@code JobSession}), and leaves it running.
 *
 * <p>Use {@code @ExtendWith(SharedSpark.class)} on a test class whose jobs may share it, and
 * {@link #session()} where a test reads outputs with Spark itself. A test that checks how a job starts
 * Spark (its master, its network binding) calls {@link #stop()} first, so its job starts its own.
 */
public final class SharedSpark implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        session();
    }

    /** The shared session, started if none runs. */
    public static synchronized SparkSession session() {
        SparkSession running = SparkSession.getDefaultSession().isDefined()
                ? SparkSession.getDefaultSession().get() : null;
        if (running != null && !running.sparkContext().isStopped()) {
            return running;
        }
        // The settings a local job of bin/plt uses (SparkOptions): loopback only, no UI.
        return SparkSession.builder().master("local[2]").appName("plt tests")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
                .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                .getOrCreate();
    }

    /** Stops any session this JVM runs, so the next job starts its own. */
    public static synchronized void stop() {
        if (SparkSession.getDefaultSession().isDefined()) {
            SparkSession.getDefaultSession().get().stop();
        }
        if (SparkSession.getActiveSession().isDefined()) {
            SparkSession.getActiveSession().get().stop();
        }
        SparkSession.clearDefaultSession();
        SparkSession.clearActiveSession();
    }
}
