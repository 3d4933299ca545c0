package dev.plt.model.loop;

import dev.plt.model.config.LoopMode;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.engine.DecoderStack;
import dev.plt.model.engine.PassRows;
import dev.plt.model.kernels.Kernels;
import dev.plt.model.weights.ModelWeights;
import java.util.List;

/**
 * Cross-Loop Parallelism: which rows go into which forward pass, and what each loop consumes
 * (plt-spec section 3).
 * <ul>
 *   <li><b>Decode step</b> (every sequence adds one token, PLT or non-loop): ONE pass with L rows per
 *       sequence, all at the token's position t. Row 1 takes E(x_t); row l takes
 *       {@code a * E(x_t) + b * h^{l-1}_{t-1}} from the carry saved by the previous step. Row L gives
 *       the logits; rows 1..L-1 give the carries of the next step. Weights are read once for all
 *       B x L rows.</li>
 *   <li><b>Prefill</b> (and serial mode, whose loop l needs loop l-1 at the same position): one pass
 *       per loop over all new positions, loop 1 first.</li>
 * </ul>
 * Both schedules give each row the same inputs and the same operations, so a decode step is bitwise
 * identical to prefilling that token.
 */
public final class ClpScheduler {
    private final ModelConfig config;
    private final ModelWeights weights;
    private final Kernels kernels;
    private final DecoderStack stack;

    public ClpScheduler(ModelConfig config, ModelWeights weights, Kernels kernels, DecoderStack stack) {
        this.config = config;
        this.weights = weights;
        this.kernels = kernels;
        this.stack = stack;
    }

    /**
     * Appends {@code tokens.get(s)} to {@code sequences.get(s)} for every s and returns, per sequence,
     * the last loop's output h^L at each new position, {@code [newTokens][hiddenSize]}.
     */
    public float[][] append(List<SequenceState> sequences, List<int[]> tokens) {
        boolean oneTokenEach = tokens.stream().allMatch(t -> t.length == 1);
        float[][] out = oneTokenEach && config.loopMode() != LoopMode.SERIAL
                ? fusedStep(sequences, tokens)
                : loopByLoop(sequences, tokens);
        for (int s = 0; s < sequences.size(); s++) {
            sequences.get(s).advance(tokens.get(s).length);
        }
        return out;
    }

    /** The CLP decode step: all L loops of every sequence in one pass. */
    private float[][] fusedStep(List<SequenceState> sequences, List<int[]> tokens) {
        int d = config.hiddenSize();
        int loops = config.numLoops();
        PassRows rows = new PassRows(sequences.size() * loops, d);
        float[] embedding = new float[d];
        for (int s = 0; s < sequences.size(); s++) {
            SequenceState seq = sequences.get(s);
            weights.embedTokens().copyRow(tokens.get(s)[0], embedding, 0);
            for (int loop = 0; loop < loops; loop++) {
                int row = s * loops + loop;
                rows.set(row, seq, loop, seq.length());
                if (loop == 0) {
                    System.arraycopy(embedding, 0, rows.hidden, row * d, d);
                } else {
                    clpInput(embedding, 0, seq.carry(loop - 1), 0, rows.hidden, row * d);
                }
            }
        }
        stack.run(rows);
        float[][] out = new float[sequences.size()][];
        for (int s = 0; s < sequences.size(); s++) {
            for (int loop = 0; loop < loops - 1; loop++) {
                carry(rows.hidden, (s * loops + loop) * d, sequences.get(s).carry(loop), 0);
            }
            int last = (s * loops + loops - 1) * d;
            out[s] = java.util.Arrays.copyOfRange(rows.hidden, last, last + d);
        }
        return out;
    }

    /** Prefill and serial mode: loop 1 over every new position, then loop 2, ... */
    private float[][] loopByLoop(List<SequenceState> sequences, List<int[]> tokens) {
        int d = config.hiddenSize();
        int count = tokens.stream().mapToInt(t -> t.length).sum();
        float[] embeddings = new float[count * d];
        int r = 0;
        for (int[] sequenceTokens : tokens) {
            for (int token : sequenceTokens) {
                weights.embedTokens().copyRow(token, embeddings, r++ * d);
            }
        }

        float[] previous = null; // h^{l-1} of every row, as the next loop consumes it
        for (int loop = 0; loop < config.numLoops(); loop++) {
            PassRows rows = new PassRows(count, d);
            r = 0;
            for (int s = 0; s < sequences.size(); s++) {
                SequenceState seq = sequences.get(s);
                int n = tokens.get(s).length;
                for (int j = 0; j < n; j++, r++) {
                    rows.set(r, seq, loop, seq.length() + j);
                    if (loop == 0) {
                        System.arraycopy(embeddings, r * d, rows.hidden, r * d, d);
                    } else if (config.loopMode() == LoopMode.SERIAL) {
                        System.arraycopy(previous, r * d, rows.hidden, r * d, d);
                    } else if (j == 0) {
                        clpInput(embeddings, r * d, seq.carry(loop - 1), 0, rows.hidden, r * d);
                    } else {
                        clpInput(embeddings, r * d, previous, (r - 1) * d, rows.hidden, r * d);
                    }
                }
                if (loop > 0 && config.loopMode() == LoopMode.PARALLEL && n > 0) {
                    // The inputs above used the old carry; now keep h^{l-1} of the last new position.
                    System.arraycopy(previous, (r - 1) * d, seq.carry(loop - 1), 0, d);
                }
            }
            stack.run(rows);
            if (loop < config.numLoops() - 1) {
                previous = new float[count * d];
                for (int row = 0; row < count; row++) {
                    carry(rows.hidden, row * d, previous, row * d);
                }
            } else {
                previous = rows.hidden;
            }
        }

        float[][] out = new float[sequences.size()][];
        r = 0;
        for (int s = 0; s < sequences.size(); s++) {
            int n = tokens.get(s).length;
            out[s] = java.util.Arrays.copyOfRange(previous, r * d, (r + n) * d);
            r += n;
        }
        return out;
    }

    /** {@code B^l_t = a * E(x_t) + b * carry}, the one-token-shifted input of loops >= 2. */
    private void clpInput(float[] embedding, int eOff, float[] carry, int cOff, float[] out, int outOff) {
        float a = config.embScale();
        float b = config.hiddenScale();
        for (int i = 0; i < config.hiddenSize(); i++) {
            out[outOff + i] = a * embedding[eOff + i] + b * carry[cOff + i];
        }
    }

    /** A loop's output as the next loop consumes it: normed by model.norm when plt_normalize_per_loop. */
    private void carry(float[] h, int hOff, float[] out, int outOff) {
        int d = config.hiddenSize();
        if (config.normalizePerLoop()) {
            kernels.rmsnorm(h, hOff, weights.finalNorm(), config.rmsNormEps(), out, outOff, d);
        } else {
            System.arraycopy(h, hOff, out, outOff, d);
        }
    }
}
