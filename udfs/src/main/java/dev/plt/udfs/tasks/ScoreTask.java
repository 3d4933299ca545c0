package dev.plt.udfs.tasks;

import dev.plt.model.inference.PltModel;
import dev.plt.model.inference.TokenScores;
import dev.plt.udfs.batch.ArrowColumns;
import dev.plt.udfs.batch.EngineTask;
import dev.plt.udfs.batch.Prepared;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Scoring: the log-probability of each row's own tokens. Results: {@code total_logprob} (sum over
 * positions 1..n-1; nothing predicts the first token), {@code mean_logprob} (total / (n-1)),
 * {@code token_count} (n) and, on request, {@code token_logprobs}: n - 1 entries, entry i being
 * log p(x_{i+1} | x_0..x_i).
 */
public record ScoreTask(PromptInput input, boolean perTokenLogprobs) implements EngineTask {
    public static final String TOTAL = "total_logprob";
    public static final String MEAN = "mean_logprob";
    public static final String COUNT = "token_count";
    public static final String PER_TOKEN = "token_logprobs";

    @Override
    public StructType resultSchema() {
        StructType schema = new StructType()
                .add(TOTAL, DataTypes.DoubleType)
                .add(MEAN, DataTypes.DoubleType)
                .add(COUNT, DataTypes.IntegerType);
        return perTokenLogprobs ? schema.add(PER_TOKEN, DataTypes.createArrayType(DataTypes.DoubleType)) : schema;
    }

    @Override
    public Prepared prepare(PltModel model, Row row) {
        return Prepared.prompt(input.scoredTokens(model, row), 0);
    }

    @Override
    public void run(PltModel model, VectorSchemaRoot in, VectorSchemaRoot out) {
        int n = in.getRowCount();
        List<int[]> sequences = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sequences.add(ArrowColumns.ints(in, "input_ids", i));
        }
        List<TokenScores> scores = model.score(sequences);
        for (int i = 0; i < n; i++) {
            TokenScores s = scores.get(i);
            int scored = s.tokens().length - 1;
            ArrowColumns.setDouble(out, TOTAL, i, s.total());
            ArrowColumns.setDouble(out, MEAN, i, scored == 0 ? 0.0 : s.total() / scored);
            ArrowColumns.setInt(out, COUNT, i, s.tokens().length);
            if (perTokenLogprobs) {
                ArrowColumns.setDoubles(out, PER_TOKEN, i, Arrays.copyOfRange(s.logprobs(), 1, s.logprobs().length));
            }
            ArrowColumns.setInt(out, "completion_tokens", i, 0);
        }
    }
}
