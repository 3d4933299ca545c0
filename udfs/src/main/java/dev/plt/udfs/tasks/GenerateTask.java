package dev.plt.udfs.tasks;

import dev.plt.model.inference.Generation;
import dev.plt.model.inference.GenerationParams;
import dev.plt.model.inference.PltModel;
import dev.plt.udfs.batch.ArrowColumns;
import dev.plt.udfs.batch.EngineTask;
import dev.plt.udfs.batch.Prepared;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Generation. Results: {@code generated_text}, {@code generated_ids}, {@code finish_reason}. */
public record GenerateTask(PromptInput input, GenerationParams params) implements EngineTask {
    public static final String TEXT = "generated_text";
    public static final String IDS = "generated_ids";
    public static final String FINISH = "finish_reason";

    @Override
    public StructType resultSchema() {
        return new StructType()
                .add(TEXT, DataTypes.StringType)
                .add(IDS, DataTypes.createArrayType(DataTypes.IntegerType))
                .add(FINISH, DataTypes.StringType);
    }

    @Override
    public Prepared prepare(PltModel model, Row row) {
        // The prompt leaves room for every token it may generate (lm-eval cuts generate_until contexts so).
        return Prepared.prompt(input.tokens(model, row, params.maxNewTokens()), params.maxNewTokens());
    }

    @Override
    public void run(PltModel model, VectorSchemaRoot in, VectorSchemaRoot out) {
        int n = in.getRowCount();
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            prompts.add(ArrowColumns.ints(in, "input_ids", i));
        }
        List<Generation> generations = model.generate(prompts, params);
        for (int i = 0; i < n; i++) {
            Generation g = generations.get(i);
            ArrowColumns.setString(out, TEXT, i, g.text());
            ArrowColumns.setInts(out, IDS, i, g.tokens());
            ArrowColumns.setString(out, FINISH, i, g.finishReason());
            ArrowColumns.setInt(out, "completion_tokens", i, g.tokens().length);
        }
    }
}
