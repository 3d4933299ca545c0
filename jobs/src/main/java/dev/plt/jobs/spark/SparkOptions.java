package dev.plt.jobs.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/**
 * Spark settings shared by the Spark jobs (a picocli mixin). Under spark-submit the master and
 * confs come from spark-submit and these only add to them; with bin/plt the default is local[*].
 */
public final class SparkOptions {
    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master when not run by spark-submit. Default: local[*].")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "Extra Spark settings (repeatable).")
    Map<String, String> conf = new LinkedHashMap<>();

    public SparkSession session(String appName) {
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
        conf.forEach(builder::config);
        return builder.getOrCreate();
    }
}
