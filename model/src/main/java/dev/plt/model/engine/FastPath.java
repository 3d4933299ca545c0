package dev.plt.model.engine;

import dev.plt.model.config.ModelConfig;
import dev.plt.model.kernels.EnginePool;
import dev.plt.model.kernels.Kernels;
import dev.plt.model.loop.ClpScheduler;
import dev.plt.model.loop.SequenceState;
import dev.plt.model.weights.ModelWeights;
import java.util.List;

/**
 * The production path: KV caches laid out by KV sharing, CLP decode steps, batched kernels on the
 * engine's own thread pool. Long prompts are prefilled in chunks of {@code prefillChunk} positions so
 * activations stay bounded; chunking does not change any result.
 */
public final class FastPath implements ForwardPath {
    /** Rows of logits computed per LM-head multiply: enough to read the head once for many rows. */
    private static final int LOGIT_BLOCK = 16;

    private final ModelConfig config;
    private final ModelWeights weights;
    private final Kernels kernels;
    private final ClpScheduler scheduler;
    private final int prefillChunk;

    public FastPath(ModelConfig config, ModelWeights weights, Kernels kernels, EnginePool pool, int prefillChunk) {
        if (prefillChunk < 1) {
            throw new IllegalArgumentException("prefillChunk must be >= 1, got " + prefillChunk);
        }
        this.config = config;
        this.weights = weights;
        this.kernels = kernels;
        this.scheduler = new ClpScheduler(config, weights, kernels, new DecoderStack(config, weights, kernels, pool));
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
        int longest = PrefillChunk.longest(tokens);
        for (int chunkStart = 0; chunkStart < longest; chunkStart += prefillChunk) {
            PrefillChunk chunk = PrefillChunk.of(tokens, chunkStart, prefillChunk);
            List<SequenceState> states = chunk.members().stream()
                    .map(s -> ((FastSequence) sequences.get(s)).state).toList();
            int[] firstPosition = states.stream().mapToInt(SequenceState::length).toArray();
            float[][] lastLoop = scheduler.append(states, chunk.tokens());
            emitLogits(chunk.members(), tokens, chunkStart, firstPosition, lastLoop, allPositions, sink);
        }
    }

    /** Final norm and LM head over the rows the caller wants, LOGIT_BLOCK rows per multiply. */
    private void emitLogits(List<Integer> members, List<int[]> tokens, int chunkStart, int[] firstPosition,
            float[][] lastLoop, boolean allPositions, LogitsSink sink) {
        int d = config.hiddenSize();
        int vocab = config.vocabSize();
        float[] normed = new float[LOGIT_BLOCK * d];
        float[] logits = new float[LOGIT_BLOCK * vocab];
        int[] blockSequence = new int[LOGIT_BLOCK];
        int[] blockPosition = new int[LOGIT_BLOCK];
        int filled = 0;
        for (int m = 0; m < members.size(); m++) {
            int s = members.get(m);
            int rowsHere = lastLoop[m].length / d;
            boolean holdsLast = chunkStart + rowsHere == tokens.get(s).length;
            for (int j = 0; j < rowsHere; j++) {
                if (!allPositions && !(holdsLast && j == rowsHere - 1)) {
                    continue;
                }
                kernels.rmsnorm(lastLoop[m], j * d, weights.finalNorm(), config.rmsNormEps(), normed, filled * d, d);
                blockSequence[filled] = s;
                blockPosition[filled] = firstPosition[m] + j;
                if (++filled == LOGIT_BLOCK) {
                    flush(normed, logits, filled, blockSequence, blockPosition, sink);
                    filled = 0;
                }
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
