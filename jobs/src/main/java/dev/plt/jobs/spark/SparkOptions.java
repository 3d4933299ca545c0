package dev.plt.jobs.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/**
 * Spark settings shared by the Spark jobs (a picocli mixin). Under spark-submit the master and
 * confs come from spark-submit and these only add to them; with bin/plt the default is local[*].
 *
 * <p>A local job (master {@code local...}, not submitted) listens on loopback only: its driver binds to
 * 127.0.0.1 and the Spark UI, which Spark binds to every interface unless {@code SPARK_LOCAL_IP} is set,
 * is off unless {@code --ui} asks for it. Cluster jobs keep Spark's own settings: see docs/CLUSTER.md.
 */
public final class SparkOptions {
    static final String LOOPBACK = "127.0.0.1";

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master when not run by spark-submit. Default: local[*].")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "Extra Spark settings (repeatable).")
    Map<String, String> conf = new LinkedHashMap<>();

    @Option(names = "--ui", description = "Serve the Spark UI (port 4040) while a local job runs. Off by default: "
            + "Spark binds it to every network interface unless SPARK_LOCAL_IP is set (bin/plt sets 127.0.0.1).")
    boolean ui;

    /** Whether the job runs in this JVM's own local Spark rather than one spark-submit set up. */
    boolean isLocal() {
        boolean submitted = System.getProperty("spark.master") != null;
        String effective = master != null ? master : submitted ? System.getProperty("spark.master") : "local[*]";
        return !submitted && effective.startsWith("local");
    }

    /**
     * The job's session: the one already running in this JVM (see {@link JobSession}), or a new one with
     * these options. Close it when the job ends; that stops it only if the job started it.
     */
    public JobSession session(String appName) {
        SparkSession.Builder builder = SparkSession.builder().appName(appName);
        boolean submitted = System.getProperty("spark.master") != null;
        if (master != null) {
            builder.master(master);
        } else if (!submitted) {
            builder.master("local[*]");
        }
        if (!submitted) {
            builder.config("spark.ui.showConsoleProgress", "false");
        }
        if (isLocal()) {
            builder.config("spark.driver.bindAddress", LOOPBACK).config("spark.driver.host", LOOPBACK)
                    .config("spark.ui.enabled", Boolean.toString(ui));
        }
        conf.forEach(builder::config); // the user's --conf has the last word
        return JobSession.joinOrCreate(builder, master, conf);
    }

    /**
     * The Hadoop configuration a job's file systems are opened with, before Spark starts (so a bad output
     * is refused in seconds): the default resources (core-site.xml on the classpath or HADOOP_CONF_DIR)
     * plus every {@code spark.hadoop.*} setting from spark-submit and {@code --conf}, as Spark itself does.
     */
    public Configuration hadoopConfiguration() {
        Configuration hadoop = new Configuration();
        SparkConf spark = new SparkConf(); // reads spark.* system properties, which spark-submit sets
        conf.forEach(spark::set);
        for (scala.Tuple2<String, String> entry : spark.getAll()) {
            if (entry._1().startsWith("spark.hadoop.")) {
                hadoop.set(entry._1().substring("spark.hadoop.".length()), entry._2());
            }
        }
        return hadoop;
    }
}
