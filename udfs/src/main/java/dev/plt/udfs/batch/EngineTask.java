package dev.plt.udfs.batch;

import dev.plt.model.inference.PltModel;
import java.io.Serializable;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * What one transformer asks of the engine, per micro-batch. The micro-batch crosses into the engine
 * as an Arrow {@link VectorSchemaRoot} ({@code input_ids: list<int>}, plus {@code choice_ids:
 * list<list<int>>} for multiple choice) and the results come back as Arrow vectors, one row per input
 * row, which the partition runner reads as Spark columns.
 */
public interface EngineTask extends Serializable {
    /** The result columns {@link #run} writes, in order. */
    StructType resultSchema();

    /** Turns a Spark row into engine input; throws {@code InvalidInputException} for a bad row. */
    Prepared prepare(PltModel model, Row row);

    /**
     * Runs the batch and writes, for every input row i, row i of each result column and of the
     * {@code completion_tokens} int column. Throws if the batch as a whole fails.
     */
    void run(PltModel model, VectorSchemaRoot input, VectorSchemaRoot output);
}
