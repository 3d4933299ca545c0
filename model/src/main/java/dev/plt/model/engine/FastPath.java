package dev.plt.model.engine;

import dev.plt.model.config.ModelConfig;
import dev.plt.model.kernels.pool.EnginePool;
import dev.plt.model.kernels.Kernels;
import dev.plt.model.loop.ClpPlan;
import dev.plt.model.loop.SequenceState;
import dev.plt.model.weights.ModelWeights;
import java.util.List;

/**
 * The production path: KV caches laid out by KV sharing, CLP decode steps, batched kernels on the
 * engine's own thread pool. Each call is scheduled by a {@link ClpPlan} (long prompts in chunks of
 * {@code prefillChunk} positions, so activations stay bounded) and executed by the {@link PlanExecutor}.
 */
public final class FastPath implements ForwardPath {
    /** Rows of logits computed per LM-head multiply: enough to read the head once for many rows. */
    private static final int LOGIT_BLOCK = 16;

    private final ModelConfig config;
    private final ModelWeights weights;
    private final Kernels kernels;
    private final PlanExecutor executor;
    private final int prefillChunk;

    public FastPath(ModelConfig config, ModelWeights weights, Kernels kernels, EnginePool pool, int prefillChunk) {
        if (prefillChunk < 1) {
            throw new IllegalArgumentException("prefillChunk must be >= 1, got " + prefillChunk);
        }
        this.config = config;
        this.weights = weights;
        this.kernels = kernels;
        this.executor = new PlanExecutor(config, weights, kernels, new DecoderStack(config, weights, kernels, pool));
        this.prefillChunk = prefillChunk;
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public String name() {
        return "fast";
    }

    @Override
    public Sequence start() {
        return new FastSequence(new SequenceState(config, 64));
    }

    @Override
    public Sequence fork(Sequence sequence) {
        return new FastSequence(((FastSequence) sequence).state.fork());
    }

    @Override
    public void append(List<Sequence> sequences, List<int[]> tokens, boolean allPositions, LogitsSink sink) {
        List<SequenceState> states = sequences.stream().map(s -> ((FastSequence) s).state).toList();
        int[] lengths = states.stream().mapToInt(SequenceState::length).toArray();
        for (ClpPlan.Step step : ClpPlan.of(config, lengths, tokens, prefillChunk, allPositions).steps()) {
            float[] lastLoop = executor.run(step, states);
            emitLogits(step, lastLoop, sink);
        }
    }

    /** Final norm and LM head over the step's logit rows, LOGIT_BLOCK rows per multiply. */
    private void emitLogits(ClpPlan.Step step, float[] lastLoop, LogitsSink sink) {
        int d = config.hiddenSize();
        int vocab = config.vocabSize();
        ClpPlan.Pass last = step.lastPass();
        float[] normed = new float[LOGIT_BLOCK * d];
        float[] logits = new float[LOGIT_BLOCK * vocab];
        int[] blockSequence = new int[LOGIT_BLOCK];
        int[] blockPosition = new int[LOGIT_BLOCK];
        int filled = 0;
        for (int row : step.logitRows()) {
            kernels.rmsnorm(lastLoop, row * d, weights.finalNorm(), config.rmsNormEps(), normed, filled * d, d);
            blockSequence[filled] = last.sequence(row);
            blockPosition[filled] = last.position(row);
            if (++filled == LOGIT_BLOCK) {
                flush(normed, logits, filled, blockSequence, blockPosition, sink);
                filled = 0;
            }
        }
        if (filled > 0) {
            flush(normed, logits, filled, blockSequence, blockPosition, sink);
        }
    }

    private void flush(float[] normed, float[] logits, int rows, int[] sequence, int[] position, LogitsSink sink) {
        kernels.matmul(weights.lmHead(), normed, rows, logits);
        for (int row = 0; row < rows; row++) {
            sink.accept(sequence[row], position[row], logits, row * config.vocabSize());
        }
    }

    private record FastSequence(SequenceState state) implements Sequence {
        @Override
        public int length() {
            return state.length();
        }

        @Override
        public long kvBytes() {
            return state.kvBytes();
        }
    }
}
