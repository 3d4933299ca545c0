package dev.plt.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.jobs.SharedSpark;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A local job listens on loopback only: the driver binds to 127.0.0.1 and the Spark UI (which Spark
 * binds to every interface) is off unless {@code --ui} asks for it. Checked on a real local session.
 * And a job stops only the Spark it started: inside an application that already runs Spark, it joins
 * that session and leaves it running.
 */
class LocalSparkExposureTest {
    private static SparkOptions parse(String... args) {
        SparkOptions options = new SparkOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @BeforeEach
    void noSparkRunning() {
        SharedSpark.stop(); // these jobs must start their own
    }

    @Test
    void aLocalJobBindsToLoopbackAndServesNoUi() {
        try (JobSession session = parse("--master", "local[1]").session("exposure")) {
            SparkSession spark = session.spark();
            assertEquals("127.0.0.1", spark.conf().get("spark.driver.bindAddress"));
            assertEquals("127.0.0.1", spark.conf().get("spark.driver.host"));
            assertTrue(spark.sparkContext().uiWebUrl().isEmpty(), "no UI without --ui");
        }
    }

    @Test
    void uiIsOneOptionAway() {
        try (JobSession session = parse("--master", "local[1]", "--ui", "--conf", "spark.ui.port=0")
                .session("exposure-ui")) {
            assertFalse(session.spark().sparkContext().uiWebUrl().isEmpty(), "--ui serves the UI");
            assertEquals("127.0.0.1", session.spark().conf().get("spark.driver.bindAddress"));
        }
    }

    @Test
    void aJobStopsTheSparkItStartedAndOnlyThat() {
        JobSession own = parse("--master", "local[1]").session("own");
        assertTrue(own.owned());
        own.close();
        assertTrue(own.spark().sparkContext().isStopped(), "a job on its own stops its Spark");

        SparkSession host = SharedSpark.session(); // an application that already runs Spark
        try {
            JobSession joined = parse("--master", "local[1]", "--conf", "spark.sql.shuffle.partitions=3")
                    .session("joined");
            assertFalse(joined.owned());
            assertSame(host.sparkContext(), joined.spark().sparkContext());
            assertEquals("3", host.conf().get("spark.sql.shuffle.partitions"), "runtime settings still apply");
            joined.close();
            assertFalse(host.sparkContext().isStopped(), "a job inside an application leaves its Spark running");
        } finally {
            SharedSpark.stop();
        }
    }
}
