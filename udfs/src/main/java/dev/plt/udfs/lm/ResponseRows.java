package dev.plt.udfs.lm;

import dev.plt.datasets.tasks.RequestType;
import dev.plt.datasets.tasks.Response;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One answered request as a Spark row, whatever the request type: what the executors hand back to the
 * driver and what a response store keeps ({@code key} is the request's {@link RequestKey}).
 */
public final class ResponseRows {
    public static final String KEY = "key";
    public static final StructType SCHEMA = new StructType()
            .add(KEY, DataTypes.StringType, false)
            .add("loglikelihood", DataTypes.DoubleType)
            .add("greedy", DataTypes.BooleanType)
            .add("text", DataTypes.StringType)
            .add("error", DataTypes.StringType)
            .add("error_kind", DataTypes.StringType)
            .add("prompt_tokens", DataTypes.IntegerType)
            .add("completion_tokens", DataTypes.IntegerType);

    private ResponseRows() {
    }

    public static Row ok(String key, Double loglikelihood, Boolean greedy, String text, Integer promptTokens,
            Integer completionTokens) {
        return RowFactory.create(key, loglikelihood, greedy, text, null, null, orZero(promptTokens),
                orZero(completionTokens));
    }

    public static Row failed(String key, String error, String errorKind, Integer promptTokens) {
        return RowFactory.create(key, null, null, null, error, errorKind, orZero(promptTokens), 0);
    }

    public static String key(Row row) {
        return row.getString(0);
    }

    public static boolean isError(Row row) {
        return !row.isNullAt(4);
    }

    /** The row as the answer to a request of {@code type}. */
    public static LmResponse toResponse(Row row, RequestType type) {
        int prompt = row.getInt(6);
        if (isError(row)) {
            return LmResponse.failed(row.getString(4), row.getString(5), prompt);
        }
        Response response = switch (type) {
            case LOGLIKELIHOOD -> Response.loglikelihood(row.getDouble(1), row.getBoolean(2));
            case LOGLIKELIHOOD_ROLLING -> Response.rolling(row.getDouble(1));
            case GENERATE_UNTIL -> Response.generation(row.getString(3));
        };
        return LmResponse.ok(response, prompt, row.getInt(7));
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }
}
