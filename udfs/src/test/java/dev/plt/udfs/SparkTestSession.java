package dev.plt.udfs;

import org.apache.spark.sql.SparkSession;

/** One local[2] SparkSession for a test class: starting Spark costs seconds, so tests share it. */
public final class SparkTestSession {
    private SparkTestSession() {
    }

    public static SparkSession start(String name) {
        return SparkSession.builder()
                .master("local[2]")
                .appName(name)
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
    }
}
