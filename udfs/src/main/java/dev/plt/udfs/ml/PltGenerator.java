package dev.plt.udfs.ml;

import dev.plt.model.inference.GenerationParams;
import dev.plt.udfs.batch.EngineTask;
import dev.plt.udfs.tasks.GenerateTask;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;

/** Generates a continuation per row: {@code generated_text}, {@code generated_ids}, {@code finish_reason}. */
public final class PltGenerator extends PltTransformer {
    private static final long serialVersionUID = 1L;

    private final IntParam maxNewTokens = new IntParam(this, "maxNewTokens", "tokens to generate at most", ParamValidators.gtEq(0));
    private final DoubleParam temperature = new DoubleParam(this, "temperature", "0 for greedy", ParamValidators.gtEq(0));
    private final IntParam topK = new IntParam(this, "topK", "sample among the k most likely (0: all)", ParamValidators.gtEq(0));
    private final DoubleParam topP = new DoubleParam(this, "topP", "nucleus sampling mass (1: all)", ParamValidators.inRange(0, 1, false, true));
    private final LongParam seed = new LongParam(this, "seed", "sampling seed (each row gets its own generator seeded with it)");
    private final StringArrayParam stop = new StringArrayParam(this, "stop", "stop strings: generation ends before them");

    public PltGenerator() {
        this(Identifiable.randomUID("pltGenerator"));
    }

    public PltGenerator(String uid) {
        super(uid);
        setDefault(maxNewTokens, 64);
        setDefault(temperature, 0.0);
        setDefault(topK, 0);
        setDefault(topP, 1.0);
        setDefault(seed, 0L);
        setDefault(stop, new String[0]);
    }

    public IntParam maxNewTokens() { return maxNewTokens; }
    public DoubleParam temperature() { return temperature; }
    public IntParam topK() { return topK; }
    public DoubleParam topP() { return topP; }
    public LongParam seed() { return seed; }
    public StringArrayParam stop() { return stop; }

    public PltGenerator setMaxNewTokens(int value) { set(maxNewTokens, value); return this; }
    public PltGenerator setTemperature(double value) { set(temperature, value); return this; }
    public PltGenerator setTopK(int value) { set(topK, value); return this; }
    public PltGenerator setTopP(double value) { set(topP, value); return this; }
    public PltGenerator setSeed(long value) { set(seed, value); return this; }
    public PltGenerator setStop(String... values) { set(stop, values); return this; }

    GenerationParams generationParams() {
        return new GenerationParams((Integer) $(maxNewTokens), (Double) $(temperature), (Integer) $(topK),
                (Double) $(topP), (Long) $(seed), Set.of(), List.copyOf(Arrays.asList($(stop))));
    }

    @Override
    protected EngineTask task() {
        return new GenerateTask(promptInput(), generationParams());
    }

    public static MLReader<PltGenerator> read() {
        return new DefaultParamsReader<>();
    }

    public static PltGenerator load(String path) {
        return read().load(path);
    }
}
