package dev.plt.jobs.spark;

import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.OptionConverters;

/**
 * The Spark session a job runs in, and whether the job owns it. A job started on its own (bin/plt,
 * spark-submit) creates its session and stops it at the end. A job called inside an application that
 * already runs Spark in this JVM (a notebook, a scheduler's driver, a test suite sharing one session)
 * runs in that session and leaves it running: stopping it would pull it from under its owner. Settings
 * that only apply when a SparkContext starts (master, driver address, UI) are then the owner's; Spark's
 * own {@code getOrCreate} works the same way.
 */
public final class JobSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobSession.class);

    private final SparkSession spark;
    private final boolean owned;

    private JobSession(SparkSession spark, boolean owned) {
        this.spark = spark;
        this.owned = owned;
    }

    /** The running session of this JVM, if one is running. */
    static Optional<SparkSession> running() {
        Optional<SparkSession> active = OptionConverters.toJava(SparkSession.getActiveSession())
                .or(() -> OptionConverters.toJava(SparkSession.getDefaultSession()));
        return active.filter(s -> !s.sparkContext().isStopped());
    }

    /**
     * Joins the running session, or builds one with {@code builder}.
     *
     * @param askedMaster the master the command line asked for (null: none), only to warn when the
     *                    running session's differs
     * @param askedConf   the command line's --conf settings, only to warn about those a running Spark ignores
     */
    static JobSession joinOrCreate(SparkSession.Builder builder, String askedMaster,
            Map<String, String> askedConf) {
        Optional<SparkSession> running = running();
        if (running.isPresent()) {
            String master = running.get().sparkContext().master();
            if (askedMaster != null && !askedMaster.equals(master)) {
                LOG.warn("Spark already runs in this JVM on {}; the job runs there, not on --master {}", master,
                        askedMaster);
            }
            for (String key : askedConf.keySet()) {
                if (!running.get().conf().isModifiable(key)) {
                    LOG.warn("--conf {} applies only when Spark starts; this job joins the Spark already running "
                            + "in this JVM, which keeps its own value", key);
                }
            }
            return new JobSession(builder.getOrCreate(), false); // applies the job's runtime SQL settings
        }
        return new JobSession(builder.getOrCreate(), true);
    }

    public SparkSession spark() {
        return spark;
    }

    /** Whether the job started this session (and so stops it). */
    public boolean owned() {
        return owned;
    }

    @Override
    public void close() {
        if (owned) {
            spark.stop();
        }
    }
}
