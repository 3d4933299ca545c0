package dev.plt.udfs.batch;

import dev.plt.model.inference.PltModel;
import dev.plt.model.rows.MicroBatcher;
import dev.plt.model.rows.RowFailure;
import dev.plt.model.rows.RowFailurePolicy;
import dev.plt.udfs.registry.GpuAssignment;
import dev.plt.udfs.registry.ModelRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of every {@code mapPartitions}: reads a window of rows, prepares them (a bad row gets its
 * error here), sorts them by length, runs them through the engine in micro-batches that cross as
 * Arrow vectors, and emits the rows in their original order with the output contract's columns.
 * Failures follow the jobs' one {@link RowFailurePolicy}: a batch that fails is retried row by row,
 * so one bad row cannot take its neighbours down.
 */
public final class PartitionRunner {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionRunner.class);
    private static final java.util.Set<KvBudget> LOGGED_BUDGETS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final RunSettings settings;
    private final EngineTask task;
    private final StructType inputSchema;
    private final StructType engineOutput;
    private final LongConsumer rowsDone;
    private final LongConsumer tokensDone;
    private final Consumer<Map<String, Long>> rowErrors;
    private final Consumer<BatchPlanStats.Batch> batchPlans;

    /**
     * The three consumers receive counts as windows finish (accumulators, in Spark); {@code rowErrors}
     * gets each window's errors by {@code error_kind} code. {@code inputSchema} names the columns passed
     * through to the output; rows may carry more after them (helper columns the task reads).
     */
    public PartitionRunner(RunSettings settings, EngineTask task, StructType inputSchema, LongConsumer rowsDone,
            LongConsumer tokensDone, Consumer<Map<String, Long>> rowErrors) {
        this(settings, task, inputSchema, rowsDone, tokensDone, rowErrors, batch -> { });
    }

    /** As above; {@code batchPlans} also receives every micro-batch as it is planned. */
    public PartitionRunner(RunSettings settings, EngineTask task, StructType inputSchema, LongConsumer rowsDone,
            LongConsumer tokensDone, Consumer<Map<String, Long>> rowErrors, Consumer<BatchPlanStats.Batch> batchPlans) {
        this.batchPlans = batchPlans;
        this.settings = settings;
        this.task = task;
        this.inputSchema = inputSchema;
        this.engineOutput = OutputContract.engineOutput(task.resultSchema());
        this.rowsDone = rowsDone;
        this.tokensDone = tokensDone;
        this.rowErrors = rowErrors;
    }

    /** One input row in flight. */
    private static final class Pending {
        final Row row;
        Prepared prepared;
        long kvBytes;
        RowFailure failure;
        Object[] results;
        int completionTokens;
        double latencyMs;

        Pending(Row row) {
            this.row = row;
        }
    }

    public Iterator<Row> run(Iterator<Row> rows) {
        TaskContext context = TaskContext.get();
        PltModel model = ModelRegistry.get(context == null ? settings.model()
                : GpuAssignment.resolve(settings.model(), scala.jdk.javaapi.CollectionConverters.asJava(context.resources())));
        KvBudget budget = KvBudget.forThisExecutor(settings.kvBudgetBytes());
        if (LOGGED_BUDGETS.add(budget)) { // once per executor JVM, not once per partition
            LOG.info("KV-cache budget: {} per task ({} per executor, {} task slots)",
                    KvBudget.size(budget.perTaskBytes()), KvBudget.size(budget.executorBytes()), budget.taskSlots());
        }
        BufferAllocator allocator = new RootAllocator(Long.MAX_VALUE);
        if (context != null) {
            context.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> allocator.close());
        }
        return new Iterator<>() {
            private Iterator<Row> ready = java.util.Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!ready.hasNext() && rows.hasNext()) {
                    ready = processWindow(model, allocator, budget.perTaskBytes(), rows).iterator();
                }
                boolean more = ready.hasNext();
                if (!more && context == null) {
                    allocator.close(); // outside Spark (tests): no completion listener
                }
                return more;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.next();
            }
        };
    }

    private List<Row> processWindow(PltModel model, BufferAllocator allocator, long kvBudget, Iterator<Row> rows) {
        List<Pending> window = new ArrayList<>();
        while (rows.hasNext() && window.size() < settings.sortWindow()) {
            window.add(new Pending(rows.next()));
        }
        RowFailurePolicy.process(window, new RowFailurePolicy.Steps<>() {
            @Override
            public void prepare(Pending p) {
                p.prepared = task.prepare(model, p.row);
                p.kvBytes = KvBudget.bytesOf(model, p.prepared);
                if (p.kvBytes > kvBudget) {
                    // Running it alone would still break the bound the budget promises: refuse the row.
                    throw new KvBudgetExceededException(p.kvBytes, kvBudget);
                }
            }

            @Override
            public int cost(Pending p) {
                return p.prepared.cost();
            }

            @Override
            public List<List<Pending>> split(List<Pending> sorted) {
                return MicroBatcher.split(sorted, p -> p.prepared.cost(), p -> p.kvBytes, settings.maxBatchRows(),
                        settings.maxBatchTokens(), kvBudget);
            }

            @Override
            public void run(List<Pending> batch) {
                runBatch(model, allocator, batch);
            }

            @Override
            public void fail(Pending p, RowFailure failure) {
                p.failure = failure;
            }
        }, batch -> batchPlans.accept(new BatchPlanStats.Batch(batch.size(),
                batch.stream().mapToLong(p -> p.kvBytes).sum(), kvBudget)));
        List<Row> out = new ArrayList<>(window.size());
        long tokens = 0;
        long errors = 0;
        Map<String, Long> byKind = new TreeMap<>();
        for (Pending p : window) {
            out.add(outputRow(p));
            tokens += p.prepared == null ? 0 : p.prepared.cost();
            if (p.failure != null) {
                errors++;
                byKind.merge(p.failure.kind().code(), 1L, Long::sum);
            }
        }
        rowsDone.accept(window.size());
        tokensDone.accept(tokens);
        rowErrors.accept(byKind);
        LOG.info("{} rows ({} tokens, {} errors) done by this task's latest window", window.size(), tokens, errors);
        return out;
    }

    private void runBatch(PltModel model, BufferAllocator allocator, List<Pending> batch) {
        int n = batch.size();
        boolean choices = batch.get(0).prepared.choiceIds() != null;
        boolean windows = batch.get(0).prepared.windowIds() != null;
        StructType engineInput = new StructType().add("input_ids", DataTypes.createArrayType(DataTypes.IntegerType));
        if (choices) {
            engineInput = engineInput.add("choice_ids",
                    DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.IntegerType)))
                    .add("choice_chars", DataTypes.createArrayType(DataTypes.IntegerType));
        }
        if (windows) {
            engineInput = engineInput.add("window_ids",
                    DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.IntegerType)))
                    .add("window_targets", DataTypes.createArrayType(DataTypes.IntegerType));
        }
        try (VectorSchemaRoot in = VectorSchemaRoot.create(ArrowColumns.toArrow(engineInput), allocator);
                VectorSchemaRoot out = VectorSchemaRoot.create(ArrowColumns.toArrow(engineOutput), allocator)) {
            for (int i = 0; i < n; i++) {
                ArrowColumns.setInts(in, "input_ids", i, batch.get(i).prepared.promptIds());
                if (choices) {
                    ArrowColumns.setIntLists(in, "choice_ids", i, batch.get(i).prepared.choiceIds());
                    ArrowColumns.setInts(in, "choice_chars", i, batch.get(i).prepared.choiceChars());
                }
                if (windows) {
                    ArrowColumns.setIntLists(in, "window_ids", i, batch.get(i).prepared.windowIds());
                    ArrowColumns.setInts(in, "window_targets", i, batch.get(i).prepared.windowTargets());
                }
            }
            ArrowColumns.finish(in, n);
            long start = System.nanoTime();
            task.run(model, in, out);
            ArrowColumns.finish(out, n);
            double latencyMs = (System.nanoTime() - start) / 1e6;

            List<FieldVector> vectors = out.getFieldVectors();
            ArrowColumnVector[] columns = new ArrowColumnVector[vectors.size()];
            for (int c = 0; c < columns.length; c++) {
                columns[c] = new ArrowColumnVector(vectors.get(c));
            }
            try (ColumnarBatch results = new ColumnarBatch(columns, n)) {
                int resultCount = task.resultSchema().size();
                for (int i = 0; i < n; i++) {
                    Pending p = batch.get(i);
                    p.results = new Object[resultCount];
                    for (int c = 0; c < resultCount; c++) {
                        p.results[c] = value(results.column(c), engineOutput.fields()[c].dataType(), i);
                    }
                    p.completionTokens = results.column(resultCount).getInt(i);
                    p.latencyMs = latencyMs;
                }
            }
        }
    }

    private Row outputRow(Pending p) {
        int inputCount = inputSchema.size();
        int resultCount = task.resultSchema().size();
        Object[] values = new Object[inputCount + resultCount + 6];
        for (int c = 0; c < inputCount; c++) {
            values[c] = p.row.get(c);
        }
        boolean ok = p.failure == null;
        if (ok) {
            System.arraycopy(p.results, 0, values, inputCount, resultCount);
        }
        int at = inputCount + resultCount;
        values[at] = ok ? null : p.failure.message();
        values[at + 1] = ok ? null : p.failure.kind().code();
        values[at + 2] = p.prepared == null ? null : p.prepared.promptTokens();
        values[at + 3] = ok ? p.completionTokens : null;
        values[at + 4] = ok ? p.latencyMs : null;
        values[at + 5] = settings.modelId();
        return RowFactory.create(values);
    }

    /** A value of a result column as Spark's external Row type expects it. */
    private static Object value(org.apache.spark.sql.vectorized.ColumnVector column, DataType type, int row) {
        if (column.isNullAt(row)) {
            return null;
        }
        if (type instanceof ArrayType array) {
            var data = column.getArray(row);
            DataType element = array.elementType();
            // External Rows hold arrays as Scala sequences.
            if (element.equals(DataTypes.DoubleType)) {
                return SparkValues.seq(Arrays.stream(data.toDoubleArray()).boxed().toList());
            } else if (element.equals(DataTypes.IntegerType)) {
                return SparkValues.seq(Arrays.stream(data.toIntArray()).boxed().toList());
            } else if (element.equals(DataTypes.BooleanType)) {
                boolean[] flags = data.toBooleanArray();
                List<Boolean> out = new ArrayList<>();
                for (boolean b : flags) {
                    out.add(b);
                }
                return SparkValues.seq(out);
            }
            throw new IllegalArgumentException("unsupported result array type " + type);
        }
        if (type.equals(DataTypes.DoubleType)) {
            return column.getDouble(row);
        } else if (type.equals(DataTypes.IntegerType)) {
            return column.getInt(row);
        } else if (type.equals(DataTypes.LongType)) {
            return column.getLong(row);
        } else if (type.equals(DataTypes.BooleanType)) {
            return column.getBoolean(row);
        } else if (type.equals(DataTypes.StringType)) {
            return column.getUTF8String(row).toString();
        }
        throw new IllegalArgumentException("unsupported result type " + type);
    }
}
