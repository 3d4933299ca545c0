package dev.plt.udfs.tasks;

import dev.plt.datasets.tasks.RollingWindows;
import dev.plt.model.errors.ErrorKind;
import dev.plt.model.errors.InvalidInputException;
import dev.plt.model.inference.LengthLimit;
import dev.plt.model.inference.PltModel;
import dev.plt.model.inference.TokenScores;
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
 * lm-eval's {@code loglikelihood_rolling}, on the executor: the row carries the document's text, which
 * is tokenized here and cut into {@link RollingWindows} of the length limit's size (every token predicted
 * once, the first from end-of-text). Each window's log-likelihood is summed over its own predicted
 * tokens, and the document's total is the sum of its windows in window order, so the result is the same
 * bits whatever the batching. Results: {@code total_logprob} and {@code window_count}.
 */
public record RollingTask(String documentColumn, LengthLimit limit) implements EngineTask {
    public static final String TOTAL = "total_logprob";
    public static final String WINDOWS = "window_count";

    @Override
    public StructType resultSchema() {
        return new StructType().add(TOTAL, DataTypes.DoubleType).add(WINDOWS, DataTypes.IntegerType);
    }

    @Override
    public Prepared prepare(PltModel model, Row row) {
        int index = row.fieldIndex(documentColumn);
        if (row.isNullAt(index)) {
            throw new InvalidInputException(ErrorKind.NULL_INPUT, "column '" + documentColumn + "' is null");
        }
        int endOfText = model.requireTokenizer().tokenId("<|endoftext|>").orElseThrow(() -> new InvalidInputException(
                "the model's tokenizer has no <|endoftext|> token to predict a document's first token from"));
        int[] ids = model.requireTokenizer().encode(row.getString(index));
        LengthLimit fitted = limit.forModel(model.config());
        List<int[]> windows = new ArrayList<>();
        List<Integer> targets = new ArrayList<>();
        for (RollingWindows.Window w : RollingWindows.of(ids, endOfText, fitted.maxLength())) {
            int[] window = new int[w.context().length + w.continuation().length];
            System.arraycopy(w.context(), 0, window, 0, w.context().length);
            System.arraycopy(w.continuation(), 0, window, w.context().length, w.continuation().length);
            model.validate(window);
            windows.add(fitted.fitScored(window)); // a window always fits: maxLength positions, its last token a target
            targets.add(w.continuation().length);
        }
        return Prepared.withWindows(windows, targets.stream().mapToInt(Integer::intValue).toArray());
    }

    @Override
    public void run(PltModel model, VectorSchemaRoot in, VectorSchemaRoot out) {
        int n = in.getRowCount();
        List<List<int[]>> windows = new ArrayList<>();
        List<int[]> targets = new ArrayList<>();
        int most = 0;
        for (int i = 0; i < n; i++) {
            windows.add(ArrowColumns.intLists(in, "window_ids", i));
            targets.add(ArrowColumns.ints(in, "window_targets", i));
            most = Math.max(most, windows.get(i).size());
        }
        double[] total = new double[n];
        // Window w of every row at once, then window w + 1: the KV cache holds one window per row.
        for (int w = 0; w < most; w++) {
            List<Integer> rows = new ArrayList<>();
            List<int[]> sequences = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (w < windows.get(i).size()) {
                    rows.add(i);
                    sequences.add(windows.get(i).get(w));
                }
            }
            List<TokenScores> scores = model.score(sequences);
            for (int k = 0; k < rows.size(); k++) {
                int row = rows.get(k);
                double[] lp = scores.get(k).logprobs();
                double window = 0;
                for (int t = lp.length - targets.get(row)[w]; t < lp.length; t++) {
                    window += lp[t];
                }
                total[row] += window;
            }
        }
        for (int i = 0; i < n; i++) {
            ArrowColumns.setDouble(out, TOTAL, i, total[i]);
            ArrowColumns.setInt(out, WINDOWS, i, windows.get(i).size());
            ArrowColumns.setInt(out, "completion_tokens", i, 0);
        }
    }
}
