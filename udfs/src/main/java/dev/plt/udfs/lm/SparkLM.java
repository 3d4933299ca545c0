package dev.plt.udfs.lm;

import dev.plt.datasets.tasks.GenerateUntilRequest;
import dev.plt.datasets.tasks.LoglikelihoodRequest;
import dev.plt.datasets.tasks.LoglikelihoodRollingRequest;
import dev.plt.datasets.tasks.Request;
import dev.plt.datasets.tasks.RequestType;
import dev.plt.model.errors.ErrorKind;
import dev.plt.model.tokenizer.LoneSurrogates;
import dev.plt.udfs.batch.EngineSettings;
import dev.plt.udfs.batch.OutputContract;
import dev.plt.udfs.batch.SparkValues;
import dev.plt.udfs.ml.PltChoiceScorer;
import dev.plt.udfs.ml.PltGenerator;
import dev.plt.udfs.batch.PartitionCount;
import dev.plt.udfs.ml.PltRollingScorer;
import dev.plt.udfs.ml.PltTransformer;
import dev.plt.udfs.tasks.ChoiceTask;
import dev.plt.udfs.tasks.GenerateTask;
import dev.plt.udfs.tasks.RollingTask;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@link LM} on Spark: requests become rows answered by the PLT transformers on the executors, and
 * every answer comes back as one {@link ResponseRows} row, matched to its request by {@link RequestKey}.
 * This class owns every Row, schema and engine detail of an evaluation:
 * <ul>
 *   <li>loglikelihood: consecutive requests sharing a context (a multiple-choice sample) are one row,
 *       the context computed once and its cache branched for every continuation ({@link PltChoiceScorer});</li>
 *   <li>loglikelihood_rolling: the document is shipped, and the executor tokenizes it, cuts lm-eval's
 *       rolling windows and sums them in window order ({@link PltRollingScorer}): the driver loads no
 *       tokenizer;</li>
 *   <li>generate_until: one {@link PltGenerator} run per distinct (stop strings, token budget).</li>
 * </ul>
 * A text with a lone UTF-16 surrogate is answered with an error here, on the driver: Spark would turn that
 * character into '?' on the way to the executors, unnoticed. Answers do not depend on the partitioning
 * or the micro-batch size.
 */
public final class SparkLM implements LM {
    private final SparkSession spark;
    private final String modelPath;
    private final String modelId;
    private final EngineSettings settings;
    private final int partitions;
    private final boolean fitPartitionsToRows;
    private final ResponseSink sink;

    /**
     * @param settings   the engine settings, passed unchanged to every transformer
     * @param partitions partitions of the request rows
     */
    public SparkLM(SparkSession spark, String modelPath, String modelId, EngineSettings settings, int partitions,
            ResponseSink sink) {
        this(spark, modelPath, modelId, settings, partitions, false, sink);
    }

    /**
     * @param fitPartitionsToRows when true, {@code partitions} is an upper bound: a call with few request rows
     *                            gets one partition per micro-batch of them, but at least one per task slot
     *                            ({@link PartitionCount}); results do not depend on it
     */
    public SparkLM(SparkSession spark, String modelPath, String modelId, EngineSettings settings, int partitions,
            boolean fitPartitionsToRows, ResponseSink sink) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        this.spark = spark;
        this.modelPath = modelPath;
        this.modelId = modelId;
        this.settings = settings;
        this.partitions = partitions;
        this.fitPartitionsToRows = fitPartitionsToRows;
        this.sink = sink;
    }

    public EngineSettings settings() {
        return settings;
    }

    @Override
    public List<LmResponse> loglikelihood(List<LoglikelihoodRequest> requests) {
        Map<String, LmResponse> refused = new HashMap<>();
        List<Row> rows = new ArrayList<>();
        int start = 0;
        while (start < requests.size()) {
            String context = requests.get(start).context();
            int end = start + 1;
            while (end < requests.size() && requests.get(end).context().equals(context)) {
                end++;
            }
            List<LoglikelihoodRequest> group = requests.subList(start, end);
            List<String> keys = group.stream().map(RequestKey::of).toList();
            List<String> texts = new ArrayList<>(List.of(context));
            group.forEach(r -> texts.add(r.continuation()));
            LmResponse refusal = loneSurrogate(texts);
            if (refusal != null) {
                keys.forEach(k -> refused.put(k, refusal));
            } else {
                rows.add(RowFactory.create(SparkValues.seq(keys), context,
                        SparkValues.seq(group.stream().map(LoglikelihoodRequest::continuation).toList())));
            }
            start = end;
        }
        StructType schema = new StructType().add("keys", DataTypes.createArrayType(DataTypes.StringType))
                .add("context", DataTypes.StringType)
                .add("choices", DataTypes.createArrayType(DataTypes.StringType));
        Map<String, Row> answered = run(rows, schema,
                new PltChoiceScorer().setContextCol("context").setChoicesCol("choices"), SparkLM::choiceResponses);
        return inOrder(requests, RequestType.LOGLIKELIHOOD, answered, refused);
    }

    @Override
    public List<LmResponse> loglikelihoodRolling(List<LoglikelihoodRollingRequest> requests) {
        Map<String, LmResponse> refused = new HashMap<>();
        List<Row> rows = new ArrayList<>();
        for (LoglikelihoodRollingRequest r : requests) {
            String key = RequestKey.of(r);
            LmResponse refusal = loneSurrogate(List.of(r.document()));
            if (refusal != null) {
                refused.put(key, refusal);
            } else {
                rows.add(RowFactory.create(key, r.document()));
            }
        }
        StructType schema = new StructType().add(ResponseRows.KEY, DataTypes.StringType)
                .add("document", DataTypes.StringType);
        Map<String, Row> answered = run(rows, schema, new PltRollingScorer().setDocumentCol("document"),
                SparkLM::rollingResponses);
        return inOrder(requests, RequestType.LOGLIKELIHOOD_ROLLING, answered, refused);
    }

    @Override
    public List<LmResponse> generateUntil(List<GenerateUntilRequest> requests) {
        Map<String, LmResponse> refused = new HashMap<>();
        // One generator per distinct setting, in the order the settings first appear.
        Map<List<Object>, List<Row>> bySetting = new LinkedHashMap<>();
        for (GenerateUntilRequest r : requests) {
            String key = RequestKey.of(r);
            LmResponse refusal = loneSurrogate(List.of(r.context()));
            if (refusal != null) {
                refused.put(key, refusal);
            } else {
                bySetting.computeIfAbsent(List.of(r.until(), r.maxGenTokens()), s -> new ArrayList<>())
                        .add(RowFactory.create(key, r.context()));
            }
        }
        StructType schema = new StructType().add(ResponseRows.KEY, DataTypes.StringType)
                .add("text", DataTypes.StringType);
        Map<String, Row> answered = new HashMap<>();
        for (Map.Entry<List<Object>, List<Row>> group : bySetting.entrySet()) {
            @SuppressWarnings("unchecked")
            List<String> until = (List<String>) group.getKey().get(0);
            int maxGenTokens = (Integer) group.getKey().get(1);
            PltGenerator generator = new PltGenerator().setMaxNewTokens(maxGenTokens)
                    .setStop(until.toArray(String[]::new));
            generator.setInputCol("text");
            run(group.getValue(), schema, generator, SparkLM::generationResponses).forEach(answered::putIfAbsent);
        }
        return inOrder(requests, RequestType.GENERATE_UNTIL, answered, refused);
    }

    /** Runs the rows through the transformer and returns every answer by its request key. */
    private Map<String, Row> run(List<Row> rows, StructType schema, PltTransformer transformer,
            ToResponses toResponses) {
        Map<String, Row> byKey = new HashMap<>();
        if (rows.isEmpty()) {
            return byKey;
        }
        transformer.setModelPath(modelPath).setModelId(modelId).setEngineSettings(settings);
        int parts = fitPartitionsToRows ? PartitionCount.fitted(partitions, rows.size(), settings.batchSize(),
                spark.sparkContext().defaultParallelism()) : partitions;
        Dataset<Row> requests = spark.createDataFrame(rows, schema).repartition(parts);
        Dataset<Row> answered = transformer.transform(requests);
        // The transformer's rows reach the function without their schema: columns are found by index.
        Columns columns = new Columns(answered.schema());
        FlatMapFunction<Row, Row> perRequest = row -> toResponses.apply(columns, row);
        Dataset<Row> responses = answered.flatMap(perRequest, Encoders.row(ResponseRows.SCHEMA));
        spark.sparkContext().setJobGroup("plt-evaluate", String.format("plt evaluate: %d requests in %d partitions, "
                + "micro-batches of up to %d rows", rows.size(), parts, settings.batchSize()), false);
        for (Row row : sink.collect(responses, transformer, rows.size())) {
            byKey.putIfAbsent(ResponseRows.key(row), row);
        }
        return byKey;
    }

    private static <R extends Request> List<LmResponse> inOrder(List<R> requests, RequestType type,
            Map<String, Row> answered, Map<String, LmResponse> refused) {
        List<LmResponse> out = new ArrayList<>(requests.size());
        for (R request : requests) {
            String key = RequestKey.of(request);
            LmResponse refusal = refused.get(key);
            if (refusal != null) {
                out.add(refusal);
                continue;
            }
            Row row = answered.get(key);
            if (row == null) {
                throw new IllegalStateException("a " + type + " request got no answer from the executors");
            }
            out.add(ResponseRows.toResponse(row, type));
        }
        return out;
    }

    private static LmResponse loneSurrogate(List<String> texts) {
        for (String text : texts) {
            int at = LoneSurrogates.indexOf(text);
            if (at >= 0) {
                return LmResponse.failed(String.format("text has a lone UTF-16 surrogate U+%04X at char %d: not valid "
                        + "Unicode", (int) text.charAt(at), at), ErrorKind.INVALID_UTF8.code(), 0);
            }
        }
        return null;
    }

    /** Column indices of the transformer's output, by name (shipped to the executors). */
    private record Columns(StructType schema) implements java.io.Serializable {
        int of(String name) {
            return schema.fieldIndex(name);
        }
    }

    /** One answered row in, one response row per request out; runs on the executors. */
    @FunctionalInterface
    private interface ToResponses extends java.io.Serializable {
        Iterator<Row> apply(Columns columns, Row row);
    }

    // The three below are the ToResponses of each request type.

    private static Iterator<Row> choiceResponses(Columns c, Row row) {
        List<String> keys = row.getList(c.of("keys"));
        String error = row.getString(c.of(OutputContract.ERROR));
        Integer prompt = (Integer) row.get(c.of(OutputContract.PROMPT_TOKENS));
        List<Row> out = new ArrayList<>(keys.size());
        List<Double> logprobs = error == null ? row.getList(c.of(ChoiceTask.LOGPROBS)) : null;
        List<Boolean> greedy = error == null ? row.getList(c.of(ChoiceTask.GREEDY)) : null;
        for (int i = 0; i < keys.size(); i++) {
            Integer tokens = i == 0 ? prompt : Integer.valueOf(0); // the shared context counts once
            out.add(error != null
                    ? ResponseRows.failed(keys.get(i), error, row.getString(c.of(OutputContract.ERROR_KIND)),
                            tokens)
                    : ResponseRows.ok(keys.get(i), logprobs.get(i), greedy.get(i), null, tokens, 0));
        }
        return out.iterator();
    }

    private static Iterator<Row> rollingResponses(Columns c, Row row) {
        return List.of(single(c, row, row.isNullAt(c.of(RollingTask.TOTAL)) ? null
                : row.getDouble(c.of(RollingTask.TOTAL)), null)).iterator();
    }

    private static Iterator<Row> generationResponses(Columns c, Row row) {
        return List.of(single(c, row, null, row.getString(c.of(GenerateTask.TEXT)))).iterator();
    }

    private static Row single(Columns c, Row row, Double loglikelihood, String text) {
        String key = row.getString(c.of(ResponseRows.KEY));
        Integer prompt = (Integer) row.get(c.of(OutputContract.PROMPT_TOKENS));
        String error = row.getString(c.of(OutputContract.ERROR));
        if (error != null) {
            return ResponseRows.failed(key, error, row.getString(c.of(OutputContract.ERROR_KIND)), prompt);
        }
        return ResponseRows.ok(key, loglikelihood, loglikelihood == null ? null : false, text, prompt,
                (Integer) row.get(c.of(OutputContract.COMPLETION_TOKENS)));
    }
}
