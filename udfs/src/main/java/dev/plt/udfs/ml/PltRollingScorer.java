package dev.plt.udfs.ml;

import dev.plt.udfs.batch.EngineTask;
import dev.plt.udfs.tasks.RollingTask;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A document's total log-likelihood in lm-eval's rolling windows of {@code maxLength} positions
 * ({@code loglikelihood_rolling}, perplexity): a document column in; {@code total_logprob} and
 * {@code window_count} out. The executors tokenize and cut the windows.
 */
public final class PltRollingScorer extends PltTransformer {
    private static final long serialVersionUID = 1L;

    private final Param<String> documentCol;

    public PltRollingScorer() {
        this(Identifiable.randomUID("pltRollingScorer"));
    }

    public PltRollingScorer(String uid) {
        super(uid);
        documentCol = new Param<>(this, "documentCol", "string column: the document to score");
        setDefault(documentCol, "document");
    }

    public Param<String> documentCol() { return documentCol; }

    public PltRollingScorer setDocumentCol(String value) { set(documentCol, value); return this; }

    @Override
    protected void checkInputColumns(StructType schema) {
        StructField document = requireColumn(schema, $(documentCol));
        if (!document.dataType().equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("column '" + $(documentCol) + "' must be a string, it is "
                    + document.dataType().simpleString());
        }
    }

    @Override
    protected boolean readsPrompts() {
        return false;
    }

    @Override
    protected EngineTask task() {
        return new RollingTask($(documentCol), lengthLimit());
    }

    public static MLReader<PltRollingScorer> read() {
        return new DefaultParamsReader<>();
    }

    public static PltRollingScorer load(String path) {
        return read().load(path);
    }
}
