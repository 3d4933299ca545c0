package dev.plt.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A local job listens on loopback only: the driver binds to 127.0.0.1 and the Spark UI (which Spark
 * binds to every interface) is off unless {@code --ui} asks for it. Checked on a real local session.
 */
class LocalSparkExposureTest {
    private static SparkOptions parse(String... args) {
        SparkOptions options = new SparkOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @Test
    void aLocalJobBindsToLoopbackAndServesNoUi() {
        SparkSession spark = parse("--master", "local[1]").session("exposure");
        try {
            assertEquals("127.0.0.1", spark.conf().get("spark.driver.bindAddress"));
            assertEquals("127.0.0.1", spark.conf().get("spark.driver.host"));
            assertTrue(spark.sparkContext().uiWebUrl().isEmpty(), "no UI without --ui");
        } finally {
            spark.stop();
        }
    }

    @Test
    void uiIsOneOptionAway() {
        SparkSession spark = parse("--master", "local[1]", "--ui", "--conf", "spark.ui.port=0").session("exposure-ui");
        try {
            assertFalse(spark.sparkContext().uiWebUrl().isEmpty(), "--ui serves the UI");
            assertEquals("127.0.0.1", spark.conf().get("spark.driver.bindAddress"));
        } finally {
            spark.stop();
        }
    }
}
