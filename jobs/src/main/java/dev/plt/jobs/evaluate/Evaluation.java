package dev.plt.jobs.evaluate;

import dev.plt.datasets.tasks.GenerateUntilRequest;
import dev.plt.datasets.tasks.LoglikelihoodRequest;
import dev.plt.datasets.tasks.LoglikelihoodRollingRequest;
import dev.plt.datasets.tasks.Request;
import dev.plt.datasets.tasks.Response;
import dev.plt.datasets.tasks.RollingWindows;
import dev.plt.datasets.tasks.Sample;
import dev.plt.datasets.tasks.Task;
import dev.plt.datasets.tasks.metrics.SampleScore;
import dev.plt.datasets.tasks.metrics.TaskAccumulator;
import dev.plt.jobs.spark.Progress;
import dev.plt.model.errors.ErrorKind;
import dev.plt.model.errors.InvalidInputException;
import dev.plt.model.tokenizer.LoneSurrogates;
import dev.plt.model.tokenizer.PltTokenizer;
import dev.plt.udfs.batch.OutputContract;
import dev.plt.udfs.batch.SparkValues;
import dev.plt.udfs.ml.PltChoiceScorer;
import dev.plt.udfs.ml.PltGenerator;
import dev.plt.udfs.ml.PltScorer;
import dev.plt.udfs.ml.PltTransformer;
import dev.plt.udfs.tasks.ChoiceTask;
import dev.plt.udfs.tasks.GenerateTask;
import dev.plt.udfs.tasks.ScoreTask;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Runs one task on Spark with lm-evaluation-harness semantics: samples are built on the driver, their
 * requests become rows answered by the PLT transformers on the executors (multiple choice: one row
 * per sample, its context computed once for all choices; generation: greedy until a stop string;
 * perplexity: the document scored after an end-of-text token), and the answers are scored and
 * aggregated on the driver, where the few thousand results fit easily. Every aggregation runs in
 * sample (and window) order, never in the order rows come back, so the results are the same bits
 * whatever the partitioning and batch size.
 */
public final class Evaluation {
    private final SparkSession spark;
    private final Path modelDir;
    private final String modelId;
    private final int partitions;
    private final Consumer<PltTransformer> engineSettings;
    private final int maxLength;

    /**
     * @param maxLength      the model's context in tokens, for perplexity's rolling windows
     * @param engineSettings applies the command line's engine settings (batch size, threads, ...) to a
     *                       transformer
     */
    public Evaluation(SparkSession spark, Path modelDir, String modelId, int partitions, int maxLength,
            Consumer<PltTransformer> engineSettings) {
        this.maxLength = maxLength;
        this.spark = spark;
        this.modelDir = modelDir;
        this.modelId = modelId;
        this.partitions = partitions;
        this.engineSettings = engineSettings;
    }

    public EvaluationResult run(Task task, List<Sample> samples) {
        long start = System.nanoTime();
        List<Row> answered = switch (task.requestType()) {
            case LOGLIKELIHOOD -> multipleChoice(samples);
            case GENERATE_UNTIL -> generation(samples);
            case LOGLIKELIHOOD_ROLLING -> perplexity(samples);
        };
        List<SampleOutcome> outcomes = new ArrayList<>();
        TaskAccumulator accumulator = task.newAccumulator();
        long promptTokens = 0;
        long completionTokens = 0;
        for (Row row : answered) {
            Sample sample = samples.get(row.getInt(row.fieldIndex("sample_index")));
            String error = row.getString(row.fieldIndex(OutputContract.ERROR));
            String errorKind = row.getString(row.fieldIndex(OutputContract.ERROR_KIND));
            int prompt = intOrZero(row, OutputContract.PROMPT_TOKENS);
            int completion = intOrZero(row, OutputContract.COMPLETION_TOKENS);
            promptTokens += prompt;
            completionTokens += completion;
            if (error != null) {
                outcomes.add(new SampleOutcome(sample, List.of(), null, null, error, errorKind, prompt, completion));
                continue;
            }
            List<Double> loglikelihoods = new ArrayList<>();
            String output = null;
            List<Response> responses = new ArrayList<>();
            switch (task.requestType()) {
                case LOGLIKELIHOOD -> {
                    List<Double> lps = row.getList(row.fieldIndex(ChoiceTask.LOGPROBS));
                    List<Boolean> greedy = row.getList(row.fieldIndex(ChoiceTask.GREEDY));
                    for (int c = 0; c < lps.size(); c++) {
                        responses.add(Response.loglikelihood(lps.get(c), greedy.get(c)));
                    }
                    loglikelihoods.addAll(lps);
                }
                case GENERATE_UNTIL -> {
                    output = row.getString(row.fieldIndex(GenerateTask.TEXT));
                    responses.add(Response.generation(output));
                }
                case LOGLIKELIHOOD_ROLLING -> {
                    double total = row.getDouble(row.fieldIndex(ScoreTask.TOTAL));
                    responses.add(Response.rolling(total));
                    loglikelihoods.add(total);
                }
            }
            SampleScore score = task.score(sample, responses);
            accumulator.add(score);
            outcomes.add(new SampleOutcome(sample, loglikelihoods, output, score, null, null, prompt, completion,
                    responses));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new EvaluationResult(task.name(), modelId, accumulator.result(), outcomes, seconds, promptTokens,
                completionTokens);
    }

    private List<Row> multipleChoice(List<Sample> samples) {
        List<Row> rows = new ArrayList<>();
        List<Row> refused = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            List<Request> requests = samples.get(i).requests();
            String context = ((LoglikelihoodRequest) requests.get(0)).context();
            List<String> continuations = new ArrayList<>();
            for (Request r : requests) {
                LoglikelihoodRequest ll = (LoglikelihoodRequest) r;
                if (!ll.context().equals(context)) {
                    throw new IllegalStateException("sample " + samples.get(i).id()
                            + ": multiple-choice requests must share one context");
                }
                continuations.add(ll.continuation());
            }
            List<String> texts = new ArrayList<>(continuations);
            texts.add(0, context);
            if (!refuseInvalidSample(i, samples.get(i), refused) && !refuseInvalidText(i, texts, refused)) {
                rows.add(RowFactory.create(i, context, SparkValues.seq(continuations)));
            }
        }
        StructType schema = new StructType().add("sample_index", DataTypes.IntegerType)
                .add("context", DataTypes.StringType)
                .add("choices", DataTypes.createArrayType(DataTypes.StringType));
        PltChoiceScorer scorer = new PltChoiceScorer().setContextCol("context").setChoicesCol("choices");
        return withRefused(answer(rows, schema, scorer), refused);
    }

    private List<Row> generation(List<Sample> samples) {
        GenerateUntilRequest first = (GenerateUntilRequest) samples.get(0).requests().get(0);
        List<Row> rows = new ArrayList<>();
        List<Row> refused = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            GenerateUntilRequest r = (GenerateUntilRequest) samples.get(i).requests().get(0);
            if (!r.until().equals(first.until()) || r.maxGenTokens() != first.maxGenTokens()) {
                throw new IllegalStateException("sample " + samples.get(i).id()
                        + ": generation settings must be the same for every sample of a task");
            }
            if (!refuseInvalidSample(i, samples.get(i), refused) && !refuseInvalidText(i, List.of(r.context()), refused)) {
                rows.add(RowFactory.create(i, r.context()));
            }
        }
        StructType schema = new StructType().add("sample_index", DataTypes.IntegerType)
                .add("text", DataTypes.StringType);
        PltGenerator generator = new PltGenerator().setMaxNewTokens(first.maxGenTokens())
                .setStop(first.until().toArray(String[]::new));
        return withRefused(answer(rows, schema, generator), refused);
    }

    /** The columns {@link #run} reads from a sample that failed before it reached the engine. */
    private static final StructType REFUSED = new StructType().add("sample_index", DataTypes.IntegerType)
            .add(OutputContract.ERROR, DataTypes.StringType).add(OutputContract.ERROR_KIND, DataTypes.StringType)
            .add(OutputContract.PROMPT_TOKENS, DataTypes.IntegerType)
            .add(OutputContract.COMPLETION_TOKENS, DataTypes.IntegerType);

    /** A sample whose data cannot be scored (a GSM8K reference without its number) is an error, not a wrong answer. */
    private static boolean refuseInvalidSample(int sampleIndex, Sample sample, List<Row> refused) {
        if (sample.invalid() == null) {
            return false;
        }
        refused.add(new GenericRowWithSchema(new Object[] {sampleIndex, sample.invalid(), ErrorKind.INVALID_INPUT.code(),
            0, 0}, REFUSED));
        return true;
    }

    /**
     * A sample whose text holds a lone surrogate (a JSON escape in the task data) fails here, on the
     * driver: Spark would turn that character into '?' on the way to the executors, unnoticed.
     */
    private static boolean refuseInvalidText(int sampleIndex, List<String> texts, List<Row> refused) {
        for (String text : texts) {
            int at = LoneSurrogates.indexOf(text);
            if (at >= 0) {
                refused.add(new GenericRowWithSchema(new Object[] {sampleIndex, String.format(
                        "text has a lone UTF-16 surrogate U+%04X at char %d: not valid Unicode", (int) text.charAt(at),
                        at), ErrorKind.INVALID_UTF8.code(), 0, 0}, REFUSED));
                return true;
            }
        }
        return false;
    }

    private static List<Row> withRefused(List<Row> answered, List<Row> refused) {
        if (refused.isEmpty()) {
            return answered;
        }
        List<Row> all = new ArrayList<>(answered);
        all.addAll(refused);
        all.sort(java.util.Comparator.comparingInt(r -> r.getInt(r.fieldIndex("sample_index"))));
        return all;
    }

    /**
     * lm-eval's loglikelihood_rolling: each document is cut into windows of at most
     * {@code maxLength} positions (every token predicted once, the first from end-of-text), every
     * window is scored as a row, and the windows' log-likelihoods are summed back per document, in
     * window order.
     */
    private List<Row> perplexity(List<Sample> samples) {
        List<Row> rows = new ArrayList<>();
        List<Integer> predicted = new ArrayList<>(); // by window index: how many tokens the window predicts
        List<Integer> windowSample = new ArrayList<>(); // by window index: its document
        String[] error = new String[samples.size()];
        String[] errorKind = new String[samples.size()];
        try (PltTokenizer tokenizer = PltTokenizer.load(modelDir.resolve("tokenizer.json"))) {
            int endOfText = tokenizer.tokenId("<|endoftext|>").orElseThrow(() -> new IllegalArgumentException(
                    modelDir.resolve("tokenizer.json") + ": perplexity needs an <|endoftext|> token to predict the "
                            + "first token from"));
            for (int i = 0; i < samples.size(); i++) {
                if (samples.get(i).invalid() != null) {
                    error[i] = samples.get(i).invalid();
                    errorKind[i] = ErrorKind.INVALID_INPUT.code();
                    continue;
                }
                String document = ((LoglikelihoodRollingRequest) samples.get(i).requests().get(0)).document();
                int[] documentIds;
                try {
                    documentIds = tokenizer.encode(document); // on the driver: a bad document fails its sample only
                } catch (InvalidInputException e) {
                    error[i] = e.getMessage();
                    errorKind[i] = e.kind().code();
                    continue;
                }
                for (RollingWindows.Window w : RollingWindows.of(documentIds, endOfText, maxLength)) {
                    int[] ids = new int[w.context().length + w.continuation().length];
                    System.arraycopy(w.context(), 0, ids, 0, w.context().length);
                    System.arraycopy(w.continuation(), 0, ids, w.context().length, w.continuation().length);
                    rows.add(RowFactory.create(i, predicted.size(), SparkValues.seq(Arrays.stream(ids).boxed().toList())));
                    predicted.add(w.continuation().length);
                    windowSample.add(i);
                }
            }
        }
        StructType schema = new StructType().add("sample_index", DataTypes.IntegerType)
                .add("window_index", DataTypes.IntegerType)
                .add("ids", DataTypes.createArrayType(DataTypes.IntegerType));
        PltScorer scorer = new PltScorer().setPerTokenLogprobs(true);
        scorer.setInputIdsCol("ids");
        List<Row> windows = answer(rows, schema, scorer);

        // One row per document: the sum of its windows' log-likelihoods, or the first window error.
        StructType perSample = new StructType().add("sample_index", DataTypes.IntegerType)
                .add(ScoreTask.TOTAL, DataTypes.DoubleType).add(OutputContract.ERROR, DataTypes.StringType)
                .add(OutputContract.ERROR_KIND, DataTypes.StringType)
                .add(OutputContract.PROMPT_TOKENS, DataTypes.IntegerType)
                .add(OutputContract.COMPLETION_TOKENS, DataTypes.IntegerType);
        // Each window's log-likelihood is summed over its own tokens, and a document's windows are then
        // added in window order, whatever order they came back in: the result is the same bits for
        // any partitioning or batch size (floating-point addition is not associative). Likewise the
        // error a document reports is that of its first failed window, not the first to arrive.
        int windowCount = predicted.size();
        double[] windowTotal = new double[windowCount];
        String[] windowError = new String[windowCount];
        String[] windowErrorKind = new String[windowCount];
        int[] windowTokens = new int[windowCount];
        boolean[] answeredWindow = new boolean[windowCount];
        for (Row w : windows) {
            int window = w.getInt(w.fieldIndex("window_index"));
            if (answeredWindow[window]) {
                throw new IllegalStateException("window " + window + " of sample "
                        + w.getInt(w.fieldIndex("sample_index")) + " was answered twice");
            }
            answeredWindow[window] = true;
            windowError[window] = w.getString(w.fieldIndex(OutputContract.ERROR));
            if (windowError[window] != null) {
                windowErrorKind[window] = w.getString(w.fieldIndex(OutputContract.ERROR_KIND));
                continue;
            }
            List<Double> logprobs = w.getList(w.fieldIndex(ScoreTask.PER_TOKEN));
            double sum = 0;
            for (int t = logprobs.size() - predicted.get(window); t < logprobs.size(); t++) {
                sum += logprobs.get(t);
            }
            windowTotal[window] = sum;
            windowTokens[window] = w.getInt(w.fieldIndex(OutputContract.PROMPT_TOKENS));
        }
        double[] total = new double[samples.size()];
        int[] tokens = new int[samples.size()];
        for (int window = 0; window < windowCount; window++) {
            int sample = windowSample.get(window);
            if (!answeredWindow[window]) {
                throw new IllegalStateException("window " + window + " of sample " + sample + " got no answer");
            }
            if (windowError[window] != null) {
                if (error[sample] == null) {
                    error[sample] = windowError[window];
                    errorKind[sample] = windowErrorKind[window];
                }
                continue;
            }
            total[sample] += windowTotal[window];
            tokens[sample] += windowTokens[window];
        }
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            out.add(new GenericRowWithSchema(new Object[] {i, error[i] == null ? total[i] : null, error[i], errorKind[i],
                tokens[i], 0}, perSample));
        }
        return out;
    }

    private List<Row> answer(List<Row> rows, StructType schema, PltTransformer transformer) {
        transformer.setModelPath(modelDir.toAbsolutePath().toString()).setModelId(modelId);
        engineSettings.accept(transformer);
        Dataset<Row> requests = spark.createDataFrame(rows, schema).repartition(partitions);
        Dataset<Row> answers = transformer.transform(requests);
        spark.sparkContext().setJobGroup("plt-evaluate", String.format("plt evaluate: %d requests in %d partitions, "
                + "micro-batches of up to %d rows", rows.size(), partitions, transformer.getBatchSize()), false);
        try (Progress progress = new Progress("plt evaluate", rows.size(), transformer.rowsDone(),
                transformer.tokensDone(), 15)) {
            // Sorted here, not with orderBy: Spark's range partitioning would run the model twice
            // (once to sample the sort keys, once for the shuffle).
            List<Row> collected = new ArrayList<>(answers.collectAsList());
            collected.sort(java.util.Comparator.comparingInt(r -> r.getInt(r.fieldIndex("sample_index"))));
            return collected;
        }
    }

    private static int intOrZero(Row row, String column) {
        int index = row.fieldIndex(column);
        return row.isNullAt(index) ? 0 : row.getInt(index);
    }
}
