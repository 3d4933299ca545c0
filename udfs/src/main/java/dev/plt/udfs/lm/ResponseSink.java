package dev.plt.udfs.lm;

import dev.plt.udfs.ml.PltTransformer;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Where {@link SparkLM}'s answers go once computed: to the driver directly, or (a response store) into
 * part files first, each committed as its partition finishes, and back from there.
 */
@FunctionalInterface
public interface ResponseSink {
    /**
     * Runs the Spark job that computes {@code responses} (rows of {@link ResponseRows#SCHEMA}) and returns
     * them on the driver, in any order.
     *
     * @param transformer the transformer computing them, for its progress counters
     * @param rows        how many rows the transformer gets, for progress
     */
    List<Row> collect(Dataset<Row> responses, PltTransformer transformer, long rows);

    /** Collects the responses to the driver, nothing else. */
    static ResponseSink collecting() {
        return (responses, transformer, rows) -> responses.collectAsList();
    }
}
