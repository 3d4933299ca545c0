package dev.plt.udfs.ml;

import dev.plt.udfs.batch.EngineTask;
import dev.plt.udfs.tasks.ScoreTask;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;

/**
 * Scores each row's own tokens: {@code total_logprob}, {@code mean_logprob}, {@code token_count} and,
 * with {@code perTokenLogprobs}, {@code token_logprobs}; plus the output contract's columns.
 */
public final class PltScorer extends PltTransformer {
    private static final long serialVersionUID = 1L;

    private final BooleanParam perTokenLogprobs = new BooleanParam(this, "perTokenLogprobs",
            "also output the log-prob of every token");

    public PltScorer() {
        this(Identifiable.randomUID("pltScorer"));
    }

    public PltScorer(String uid) {
        super(uid);
        setDefault(perTokenLogprobs, false);
    }

    public BooleanParam perTokenLogprobs() {
        return perTokenLogprobs;
    }

    public PltScorer setPerTokenLogprobs(boolean value) {
        set(perTokenLogprobs, value);
        return this;
    }

    @Override
    protected EngineTask task() {
        return new ScoreTask(promptInput(), (Boolean) $(perTokenLogprobs));
    }

    public static MLReader<PltScorer> read() {
        return new DefaultParamsReader<>();
    }

    public static PltScorer load(String path) {
        return read().load(path);
    }
}
