package dev.plt.udfs.batch;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The one output shape every transformer and job writes: the input columns, then the task's result
 * columns, then {@code error} (null on success), {@code error_kind} (why, as a stable code of
 * {@link dev.plt.model.errors.ErrorKind}: {@code null_input}, {@code too_long}, ...; null on success),
 * {@code prompt_tokens}, {@code completion_tokens}, {@code latency_ms} (wall time of the micro-batch that
 * computed the row) and {@code model_id}.
 */
public final class OutputContract {
    public static final String ERROR = "error";
    public static final String ERROR_KIND = "error_kind";
    public static final String PROMPT_TOKENS = "prompt_tokens";
    public static final String COMPLETION_TOKENS = "completion_tokens";
    public static final String LATENCY_MS = "latency_ms";
    public static final String MODEL_ID = "model_id";

    private OutputContract() {
    }

    public static StructType outputSchema(StructType input, StructType results) {
        List<StructField> fields = new ArrayList<>(List.of(input.fields()));
        for (StructField f : results.fields()) {
            if (input.getFieldIndex(f.name()).isDefined()) {
                throw new IllegalArgumentException("input already has a column named '" + f.name()
                        + "': rename it or choose another output column name");
            }
            fields.add(DataTypes.createStructField(f.name(), f.dataType(), true));
        }
        fields.add(DataTypes.createStructField(ERROR, DataTypes.StringType, true));
        fields.add(DataTypes.createStructField(ERROR_KIND, DataTypes.StringType, true));
        fields.add(DataTypes.createStructField(PROMPT_TOKENS, DataTypes.IntegerType, true));
        fields.add(DataTypes.createStructField(COMPLETION_TOKENS, DataTypes.IntegerType, true));
        fields.add(DataTypes.createStructField(LATENCY_MS, DataTypes.DoubleType, true));
        fields.add(DataTypes.createStructField(MODEL_ID, DataTypes.StringType, true));
        return DataTypes.createStructType(fields);
    }

    /** Arrow layout of a task's output: its result columns plus completion_tokens. */
    public static StructType engineOutput(StructType results) {
        return results.add(COMPLETION_TOKENS, DataTypes.IntegerType, true);
    }
}
