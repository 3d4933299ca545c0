package dev.plt.udfs.ml;

import dev.plt.model.inference.LengthLimit;
import dev.plt.model.weights.WeightFormat;
import dev.plt.udfs.batch.BatchPlanStats;
import dev.plt.udfs.batch.EngineSettings;
import dev.plt.udfs.batch.EngineTask;
import dev.plt.udfs.batch.ErrorKindCounts;
import dev.plt.udfs.batch.OutputContract;
import dev.plt.udfs.batch.PartitionRunner;
import dev.plt.udfs.batch.RunSettings;
import dev.plt.udfs.registry.ModelKey;
import dev.plt.udfs.tasks.PromptInput;
import java.nio.file.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * What every PLT transformer shares: the model and engine params, input column checks, and the
 * {@code mapPartitions} that runs an {@link EngineTask} through a {@link PartitionRunner}. Params
 * have accessor methods (Spark ML finds them by reflection) and the transformers save and load
 * inside a {@code PipelineModel} through {@link DefaultParamsWritable}.
 */
public abstract class PltTransformer extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    // Progress counters of the last transform (not params: they belong to one run, not to the model).
    private transient LongAccumulator rowsDone;
    private transient LongAccumulator tokensDone;
    private transient LongAccumulator rowErrors;
    private transient ErrorKindCounts errorKinds;
    private transient BatchPlanStats batchPlan;
    private final Param<String> modelPath;
    private final Param<String> modelId;
    private final Param<String> inputCol;
    private final Param<String> inputIdsCol;
    private final IntParam batchSize;
    private final LongParam maxBatchTokens;
    private final IntParam sortWindow;
    private final LongParam kvBudget;
    private final IntParam threads;
    private final IntParam prefillChunk;
    private final Param<String> backend;
    private final Param<String> enginePath;
    /** No default: left undefined for stored weights, so the run settings (and row ids) of such jobs are unchanged. */
    private final Param<String> weights;
    private final IntParam maxLength;
    private final Param<String> overlong;

    protected PltTransformer(String uid) {
        // Params name their parent by uid, so they are built only once the uid is set.
        this.uid = uid;
        modelPath = new Param<>(this, "modelPath", "model directory, readable by every executor");
        modelId = new Param<>(this, "modelId", "model_id written to every output row (default: the directory name)");
        inputCol = new Param<>(this, "inputCol", "text column to encode with the model's tokenizer");
        inputIdsCol = new Param<>(this, "inputIdsCol", "array<int> column of token ids (instead of inputCol)");
        batchSize = new IntParam(this, "batchSize", "rows per engine micro-batch", ParamValidators.gtEq(1));
        maxBatchTokens = new LongParam(this, "maxBatchTokens", "tokens per engine micro-batch", ParamValidators.gtEq(1));
        sortWindow = new IntParam(this, "sortWindow", "rows read ahead and sorted by length", ParamValidators.gtEq(1));
        kvBudget = new LongParam(this, "kvBudget", "KV-cache bytes per executor, split between its task slots "
                + "(0: half the executor's max heap)", ParamValidators.gtEq(0));
        threads = new IntParam(this, "threads", "threads of each executor's engine (one per executor JVM, shared by "
                + "its tasks; 0: spark.task.cpus)", ParamValidators.gtEq(0));
        prefillChunk = new IntParam(this, "prefillChunk", "positions per prefill pass (bounds memory; results do "
                + "not depend on it)", ParamValidators.gtEq(1));
        backend = new Param<>(this, "backend", "kernel backend: auto, vector, vector-256, vector-512, scalar");
        enginePath = new Param<>(this, "enginePath", "fast or reference");
        weights = new Param<>(this, "weights", "how the engine keeps the big weight matrices: stored (unset), f32, "
                + "bf16 or int8", ParamValidators.inArray(new String[] {"stored", "f32", "bf16", "int8"}));
        maxLength = new IntParam(this, "maxLength", "positions a row may use (0: the model's max_position_embeddings)",
                ParamValidators.gtEq(0));
        overlong = new Param<>(this, "overlong", "a row longer than maxLength: 'error' (the row fails, too_long) or "
                + "'truncate-left' (the prompt keeps its last tokens, as lm-eval does)",
                ParamValidators.inArray(new String[] {"error", "truncate-left"}));
        setDefault(inputCol, "text");
        EngineSettings defaults = EngineSettings.defaults();
        setDefault(batchSize, defaults.batchSize());
        setDefault(maxBatchTokens, defaults.maxBatchTokens());
        setDefault(sortWindow, defaults.sortWindow());
        setDefault(kvBudget, defaults.kvBudgetBytes());
        setDefault(threads, defaults.threads());
        setDefault(prefillChunk, defaults.prefillChunk());
        setDefault(backend, defaults.backend());
        setDefault(enginePath, defaults.path());
        setDefault(maxLength, defaults.lengthLimit().maxLength());
        setDefault(overlong, defaults.lengthLimit().overlong().option());
    }

    /** The work this transformer asks of the engine. */
    protected abstract EngineTask task();

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> modelPath() { return modelPath; }
    public Param<String> modelId() { return modelId; }
    public Param<String> inputCol() { return inputCol; }
    public Param<String> inputIdsCol() { return inputIdsCol; }
    public IntParam batchSize() { return batchSize; }
    public LongParam maxBatchTokens() { return maxBatchTokens; }
    public IntParam sortWindow() { return sortWindow; }
    public LongParam kvBudget() { return kvBudget; }
    public IntParam threads() { return threads; }
    public IntParam prefillChunk() { return prefillChunk; }
    public Param<String> backend() { return backend; }
    public Param<String> enginePath() { return enginePath; }
    public Param<String> weights() { return weights; }
    public IntParam maxLength() { return maxLength; }
    public Param<String> overlong() { return overlong; }

    public String getModelPath() { return $(modelPath); }
    public String getInputCol() { return $(inputCol); }
    public int getBatchSize() { return (Integer) $(batchSize); }
    public long getMaxBatchTokens() { return (Long) $(maxBatchTokens); }

    public PltTransformer setModelPath(String value) { set(modelPath, value); return this; }
    public PltTransformer setModelId(String value) { set(modelId, value); return this; }
    public PltTransformer setInputCol(String value) { set(inputCol, value); return this; }
    public PltTransformer setInputIdsCol(String value) { set(inputIdsCol, value); return this; }
    public PltTransformer setBatchSize(int value) { set(batchSize, value); return this; }
    public PltTransformer setMaxBatchTokens(long value) { set(maxBatchTokens, value); return this; }
    public PltTransformer setSortWindow(int value) { set(sortWindow, value); return this; }
    public PltTransformer setKvBudget(long bytes) { set(kvBudget, bytes); return this; }
    public PltTransformer setThreads(int value) { set(threads, value); return this; }
    public PltTransformer setPrefillChunk(int value) { set(prefillChunk, value); return this; }
    public PltTransformer setBackend(String value) { set(backend, value); return this; }
    public PltTransformer setEnginePath(String value) { set(enginePath, value); return this; }
    public PltTransformer setWeights(String value) { set(weights, value); return this; }
    public PltTransformer setMaxLength(int value) { set(maxLength, value); return this; }
    public PltTransformer setOverlong(String value) { set(overlong, value); return this; }

    /**
     * Sets every engine param from one settings object (the command line's, built once): the only way the
     * jobs configure a transformer, so a setting cannot be forgotten on the way to the engine.
     */
    public PltTransformer setEngineSettings(EngineSettings s) {
        set(threads, s.threads());
        set(backend, s.backend());
        set(enginePath, s.path());
        if (s.weights() == WeightFormat.STORED) {
            clear(weights);
        } else {
            set(weights, s.weights().id());
        }
        set(prefillChunk, s.prefillChunk());
        set(batchSize, s.batchSize());
        set(maxBatchTokens, s.maxBatchTokens());
        set(sortWindow, s.sortWindow());
        set(kvBudget, s.kvBudgetBytes());
        set(maxLength, s.lengthLimit().maxLength());
        set(overlong, s.lengthLimit().overlong().option());
        return this;
    }

    /** The engine params as one settings object. */
    public EngineSettings getEngineSettings() {
        return new EngineSettings((Integer) $(threads), $(backend), $(enginePath), (Integer) $(prefillChunk),
                getBatchSize(), getMaxBatchTokens(), (Integer) $(sortWindow), (Long) $(kvBudget), lengthLimit(),
                isDefined(weights) ? WeightFormat.of($(weights)) : WeightFormat.STORED);
    }

    /** Where prompts come from: inputIdsCol when set, else inputCol. */
    protected PromptInput promptInput() {
        return isDefined(inputIdsCol) ? new PromptInput(null, $(inputIdsCol), lengthLimit())
                : new PromptInput($(inputCol), null, lengthLimit());
    }

    /** Positions a row may use (0: the model's) and what happens to a longer one. */
    protected LengthLimit lengthLimit() {
        return new LengthLimit((Integer) $(maxLength), LengthLimit.Overlong.parse($(overlong)));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        checkInputColumns(schema);
        return OutputContract.outputSchema(schema, task().resultSchema());
    }

    /** Fails before any work when an input column is missing or has the wrong type. */
    protected void checkInputColumns(StructType schema) {
        PromptInput input = promptInput();
        StructField field = requireColumn(schema, input.column());
        if (input.textColumn() != null && !field.dataType().equals(DataTypes.StringType)
                && !field.dataType().equals(DataTypes.BinaryType)) {
            throw new IllegalArgumentException("column '" + input.column() + "' must be a string (or binary UTF-8), "
                    + "it is " + field.dataType().simpleString());
        }
        if (input.idsColumn() != null && !(field.dataType() instanceof ArrayType array
                && (array.elementType().equals(DataTypes.IntegerType) || array.elementType().equals(DataTypes.LongType)))) {
            throw new IllegalArgumentException("column '" + input.column() + "' must be array<int>, it is "
                    + field.dataType().simpleString());
        }
    }

    protected static StructField requireColumn(StructType schema, String name) {
        if (schema.getFieldIndex(name).isEmpty()) {
            throw new IllegalArgumentException("input has no column '" + name + "' (columns: "
                    + String.join(", ", schema.fieldNames()) + ")");
        }
        return schema.apply(name);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        if (!isDefined(modelPath)) {
            throw new IllegalArgumentException("modelPath is not set");
        }
        StructType input = dataset.schema();
        StructType output = transformSchema(input);
        SparkSession spark = dataset.sparkSession();
        EngineTask task = task();
        RunSettings settings = runSettings(spark);
        LongAccumulator rows = spark.sparkContext().longAccumulator("plt rows done");
        LongAccumulator tokens = spark.sparkContext().longAccumulator("plt tokens done");
        LongAccumulator errors = spark.sparkContext().longAccumulator("plt row errors");
        ErrorKindCounts kinds = new ErrorKindCounts();
        spark.sparkContext().register(kinds, "plt row errors by kind");
        rowsDone = rows;
        tokensDone = tokens;
        rowErrors = errors;
        errorKinds = kinds;
        BatchPlanStats plan = new BatchPlanStats();
        spark.sparkContext().register(plan, "plt micro-batch plan");
        batchPlan = plan;
        MapPartitionsFunction<Row, Row> body = partition -> new PartitionRunner(settings, task, input, rows::add,
                tokens::add, counts -> {
                    errors.add(counts.values().stream().mapToLong(Long::longValue).sum());
                    kinds.add(counts);
                }, plan::add).run(partition);
        return withRawText(dataset.toDF()).mapPartitions(body, Encoders.row(output));
    }

    /**
     * A string text column's bytes as a helper column after the others, for {@link PromptInput} to
     * decode strictly: Spark strings can hold bytes that are not UTF-8 (from Parquet or CSV), and its
     * conversion to Java strings would replace them with U+FFFD unnoticed. The runner does not copy it
     * to the output.
     */
    private Dataset<Row> withRawText(Dataset<Row> rows) {
        PromptInput input = promptInput();
        if (!readsPrompts() || input.textColumn() == null
                || !rows.schema().apply(input.textColumn()).dataType().equals(DataTypes.StringType)) {
            return rows;
        }
        return rows.withColumn(PromptInput.RAW_TEXT_COLUMN,
                rows.col("`" + input.textColumn().replace("`", "``") + "`").cast(DataTypes.BinaryType));
    }

    /** Whether the task reads {@link #promptInput()} (false for tasks with their own input columns). */
    protected boolean readsPrompts() {
        return true;
    }

    /** Rows finished by the last {@link #transform}, counted as partitions progress (null before). */
    public LongAccumulator rowsDone() {
        return rowsDone;
    }

    /** Prompt tokens finished by the last {@link #transform}. */
    public LongAccumulator tokensDone() {
        return tokensDone;
    }

    /** Rows that got an error in the last {@link #transform}. */
    public LongAccumulator rowErrors() {
        return rowErrors;
    }

    /** The last {@link #transform}'s row errors by {@code error_kind} code. */
    public ErrorKindCounts errorKinds() {
        return errorKinds;
    }

    /** The micro-batches of the last {@link #transform}: count, largest KV bytes, largest share of the budget. */
    public BatchPlanStats batchPlan() {
        return batchPlan;
    }

    RunSettings runSettings(SparkSession spark) {
        EngineSettings settings = getEngineSettings();
        int taskCpus = Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
        String path = $(modelPath);
        String id = isDefined(modelId) ? $(modelId) : Path.of(path).getFileName().toString();
        return new RunSettings(new ModelKey(path, settings.engineOptions(taskCpus)), id, settings);
    }

    @Override
    public Transformer copy(ParamMap extra) {
        return defaultCopy(extra);
    }
}
