package dev.plt.udfs.tasks;

import dev.plt.datasets.tasks.PairEncoding;
import dev.plt.datasets.tasks.scoring.MultipleChoiceScorer;
import dev.plt.model.inference.ContinuationScore;
import dev.plt.model.errors.ErrorKind;
import dev.plt.model.errors.InvalidInputException;
import dev.plt.model.inference.LengthLimit;
import dev.plt.model.inference.PltModel;
import dev.plt.model.inference.Scorer;
import dev.plt.udfs.batch.ArrowColumns;
import dev.plt.udfs.batch.EngineTask;
import dev.plt.udfs.batch.Prepared;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Multiple choice as lm-evaluation-harness scores it: one log-likelihood per (context, choice) pair,
 * encoded with lm-eval's pair encoding; the context is prefilled once per row and its cache branched
 * for every choice. Results: {@code choice_logprobs}, {@code choice_greedy} (would greedy decoding
 * produce the choice), {@code best_choice} (argmax of log-likelihood: acc) and
 * {@code best_choice_norm} (argmax of log-likelihood per character of the choice: acc_norm).
 * Ties go to the lowest index. A context too long for the length limit with its longest choice fails the
 * row, or loses its first tokens (lm-eval truncates the same way, but per choice; here all choices keep
 * sharing one context, cut for the longest).
 */
public record ChoiceTask(String contextColumn, String choicesColumn, LengthLimit limit) implements EngineTask {
    public static final String LOGPROBS = "choice_logprobs";
    public static final String GREEDY = "choice_greedy";
    public static final String BEST = "best_choice";
    public static final String BEST_NORM = "best_choice_norm";

    @Override
    public StructType resultSchema() {
        return new StructType()
                .add(LOGPROBS, DataTypes.createArrayType(DataTypes.DoubleType))
                .add(GREEDY, DataTypes.createArrayType(DataTypes.BooleanType))
                .add(BEST, DataTypes.IntegerType)
                .add(BEST_NORM, DataTypes.IntegerType);
    }

    @Override
    public Prepared prepare(PltModel model, Row row) {
        if (!nonNull(row, contextColumn) || !nonNull(row, choicesColumn)) {
            throw new InvalidInputException(ErrorKind.NULL_INPUT, "context column '" + contextColumn
                    + "' and choices column '" + choicesColumn + "' must not be null");
        }
        String context = row.getString(row.fieldIndex(contextColumn));
        List<String> choices = row.getList(row.fieldIndex(choicesColumn));
        if (choices.isEmpty()) {
            throw new InvalidInputException(ErrorKind.EMPTY_INPUT, "no choices");
        }
        int[] contextIds = null;
        List<int[]> continuations = new ArrayList<>();
        int longest = 0;
        for (int c = 0; c < choices.size(); c++) {
            if (choices.get(c) == null) {
                throw new InvalidInputException(ErrorKind.NULL_INPUT, "choice " + c + " is null");
            }
            PairEncoding.EncodedPair pair = PairEncoding.encode(model.requireTokenizer()::encode, context,
                    choices.get(c), model.requireTokenizer().tokenId("<|endoftext|>"));
            contextIds = pair.context();
            model.validate(pair.continuation());
            continuations.add(pair.continuation());
            longest = Math.max(longest, pair.continuation().length);
        }
        model.validate(contextIds);
        // The scorer feeds the context and every continuation but its last token.
        contextIds = limit.forModel(model.config()).fit(contextIds, longest - 1);
        return Prepared.withChoices(contextIds, continuations,
                choices.stream().mapToInt(c -> Math.max(1, c.codePointCount(0, c.length()))).toArray());
    }

    @Override
    public void run(PltModel model, VectorSchemaRoot in, VectorSchemaRoot out) {
        int n = in.getRowCount();
        List<Scorer.Request> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            requests.add(new Scorer.Request(ArrowColumns.ints(in, "input_ids", i),
                    ArrowColumns.intLists(in, "choice_ids", i)));
        }
        List<List<ContinuationScore>> scores = model.loglikelihood(requests);
        for (int i = 0; i < n; i++) {
            List<ContinuationScore> row = scores.get(i);
            double[] logprobs = new double[row.size()];
            List<Boolean> greedy = new ArrayList<>();
            for (int c = 0; c < row.size(); c++) {
                logprobs[c] = row.get(c).logprob();
                greedy.add(row.get(c).greedy());
            }
            ArrowColumns.setDoubles(out, LOGPROBS, i, logprobs);
            ArrowColumns.setBooleans(out, GREEDY, i, greedy);
            // acc and acc_norm's choice, by the rule the evaluation's scorer uses (one place for both).
            int[] chars = ArrowColumns.ints(in, "choice_chars", i);
            double[] perChar = new double[logprobs.length];
            for (int c = 0; c < perChar.length; c++) {
                perChar[c] = logprobs[c] / chars[c];
            }
            ArrowColumns.setInt(out, BEST, i, MultipleChoiceScorer.argmax(logprobs));
            ArrowColumns.setInt(out, BEST_NORM, i, MultipleChoiceScorer.argmax(perChar));
            ArrowColumns.setInt(out, "completion_tokens", i, 0);
        }
    }

    private static boolean nonNull(Row row, String column) {
        return !row.isNullAt(row.fieldIndex(column));
    }
}
