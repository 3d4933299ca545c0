package dev.plt.udfs.ml;

import dev.plt.udfs.batch.EngineTask;
import dev.plt.udfs.tasks.ChoiceTask;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;

/**
 * Multiple-choice scoring, lm-eval style: a context column and an array-of-strings choices column
 * in; {@code choice_logprobs}, {@code choice_greedy}, {@code best_choice} (acc) and
 * {@code best_choice_norm} (acc_norm) out. Each row's context is computed once for all its choices.
 */
public final class PltChoiceScorer extends PltTransformer {
    private static final long serialVersionUID = 1L;

    private final Param<String> contextCol;
    private final Param<String> choicesCol;

    public PltChoiceScorer() {
        this(Identifiable.randomUID("pltChoiceScorer"));
    }

    public PltChoiceScorer(String uid) {
        super(uid);
        contextCol = new Param<>(this, "contextCol", "string column: the context every choice continues");
        choicesCol = new Param<>(this, "choicesCol", "array<string> column: the choices (lm-eval: with a leading space)");
        setDefault(contextCol, "context");
        setDefault(choicesCol, "choices");
    }

    public Param<String> contextCol() { return contextCol; }
    public Param<String> choicesCol() { return choicesCol; }

    public PltChoiceScorer setContextCol(String value) { set(contextCol, value); return this; }
    public PltChoiceScorer setChoicesCol(String value) { set(choicesCol, value); return this; }

    @Override
    protected void checkInputColumns(StructType schema) {
        StructField context = requireColumn(schema, $(contextCol));
        if (!context.dataType().equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("column '" + $(contextCol) + "' must be a string, it is "
                    + context.dataType().simpleString());
        }
        StructField choices = requireColumn(schema, $(choicesCol));
        if (!(choices.dataType() instanceof ArrayType array && array.elementType().equals(DataTypes.StringType))) {
            throw new IllegalArgumentException("column '" + $(choicesCol) + "' must be array<string>, it is "
                    + choices.dataType().simpleString());
        }
    }

    @Override
    protected boolean readsPrompts() {
        return false;
    }

    @Override
    protected EngineTask task() {
        return new ChoiceTask($(contextCol), $(choicesCol), lengthLimit());
    }

    public static MLReader<PltChoiceScorer> read() {
        return new DefaultParamsReader<>();
    }

    public static PltChoiceScorer load(String path) {
        return read().load(path);
    }
}
