package dev.plt.model.cuda;

import dev.plt.model.config.LoopMode;
import dev.plt.model.config.ModelConfig;
import java.util.List;

/**
 * Cross-Loop Parallelism on the device: the same schedule as the CPU's {@code ClpScheduler}
 * (plt-spec section 3).
 * <ul>
 *   <li>Decode step (one token per sequence, PLT or non-loop): ONE pass of B x L rows, row l of a
 *       sequence taking {@code a * E(x_t) + b * h^{l-1}_{t-1}} from the carry the previous step saved;
 *       every weight matrix is read once for all rows.</li>
 *   <li>Prefill, and serial mode at every step: one pass per loop over all new positions, loop 1 first.</li>
 * </ul>
 */
final class CudaScheduler {
    private final ModelConfig config;
    private final DeviceWeights weights;
    private final DeviceKernels kernels;
    private final CudaDecoderStack stack;
    private final PassBuffers buffers;
    private final RopeTable rope;
    private final Gpu gpu;

    CudaScheduler(ModelConfig config, DeviceWeights weights, DeviceKernels kernels, CudaDecoderStack stack,
            PassBuffers buffers, RopeTable rope, Gpu gpu) {
        this.config = config;
        this.weights = weights;
        this.kernels = kernels;
        this.stack = stack;
        this.buffers = buffers;
        this.rope = rope;
        this.gpu = gpu;
    }

    /**
     * Appends {@code tokens.get(s)} to {@code sequences.get(s)} for every s. Returns, per sequence, the rows
     * of {@link PassBuffers#hidden} that hold the last loop's h^L of its new positions, in order; they are
     * valid until the next pass.
     */
    int[][] append(List<DeviceSequence> sequences, List<int[]> tokens) {
        boolean oneTokenEach = tokens.stream().allMatch(t -> t.length == 1);
        int longest = 0;
        for (int s = 0; s < sequences.size(); s++) {
            DeviceSequence seq = sequences.get(s);
            seq.ensureCapacity(seq.length() + tokens.get(s).length);
            longest = Math.max(longest, seq.length() + tokens.get(s).length);
        }
        rope.ensurePositions(longest);
        int[][] out = oneTokenEach && config.loopMode() != LoopMode.SERIAL
                ? fusedStep(sequences, tokens)
                : loopByLoop(sequences, tokens);
        for (int s = 0; s < sequences.size(); s++) {
            sequences.get(s).advance(tokens.get(s).length);
        }
        return out;
    }

    /** The CLP decode step: all L loops of every sequence in one pass. */
    private int[][] fusedStep(List<DeviceSequence> sequences, List<int[]> tokens) {
        int loops = config.numLoops();
        int n = sequences.size() * loops;
        buffers.ensureRows(n);
        // Carries come out of the residual stream, or out of `previous` after the per-loop norm.
        long carriedFrom = config.normalizePerLoop() ? buffers.previous : buffers.hidden;
        PassLayout rows = new PassLayout(n);
        for (int s = 0; s < sequences.size(); s++) {
            DeviceSequence seq = sequences.get(s);
            for (int loop = 0; loop < loops; loop++) {
                int row = s * loops + loop;
                long carry = loop == 0 ? 0 : seq.carry(loop - 1);
                rows.set(row, seq, loop, seq.length(), tokens.get(s)[0], carry);
                if (loop < loops - 1) {
                    rows.saveCarry(rowAddress(carriedFrom, row), seq.carry(loop));
                }
            }
        }
        PassTables tables = upload(rows);
        kernels.embedRows(buffers.hidden, weights.embedding(), tables.tokensAddress(), tables.carrySourcesAddress(),
                config.embScale(), config.hiddenScale(), n, config.hiddenSize());
        stack.run(tables, buffers);
        if (tables.carrySaveCount() > 0) {
            if (config.normalizePerLoop()) {
                carried(n);
            }
            kernels.copyVectors(tables.saveSourcesAddress(), tables.saveTargetsAddress(), tables.carrySaveCount(),
                    config.hiddenSize());
        }
        int[][] out = new int[sequences.size()][];
        for (int s = 0; s < sequences.size(); s++) {
            out[s] = new int[] {s * loops + loops - 1};
        }
        return out;
    }

    /** Prefill and serial mode: loop 1 over every new position, then loop 2, ... */
    private int[][] loopByLoop(List<DeviceSequence> sequences, List<int[]> tokens) {
        int count = tokens.stream().mapToInt(t -> t.length).sum();
        buffers.ensureRows(count);
        boolean serial = config.loopMode() == LoopMode.SERIAL;
        for (int loop = 0; loop < config.numLoops(); loop++) {
            PassLayout rows = new PassLayout(count);
            int r = 0;
            for (int s = 0; s < sequences.size(); s++) {
                DeviceSequence seq = sequences.get(s);
                int[] t = tokens.get(s);
                for (int j = 0; j < t.length; j++, r++) {
                    long carry;
                    if (loop == 0) {
                        carry = 0;
                    } else if (serial) {
                        carry = rowAddress(buffers.previous, r); // h^{l-1} at the same position
                    } else if (j == 0) {
                        carry = seq.carry(loop - 1);               // saved by the previous call
                    } else {
                        carry = rowAddress(buffers.previous, r - 1); // h^{l-1} one position back
                    }
                    rows.set(r, seq, loop, seq.length() + j, t[j], carry);
                }
                if (loop > 0 && !serial && t.length > 0) {
                    // The inputs above read the old carry; keep h^{l-1} of the last new position.
                    rows.saveCarry(rowAddress(buffers.previous, r - 1), seq.carry(loop - 1));
                }
            }
            PassTables tables = upload(rows);
            float a = serial ? 0f : config.embScale();
            float b = serial ? 1f : config.hiddenScale();
            kernels.embedRows(buffers.hidden, weights.embedding(), tables.tokensAddress(),
                    tables.carrySourcesAddress(), a, b, count, config.hiddenSize());
            if (tables.carrySaveCount() > 0) {
                kernels.copyVectors(tables.saveSourcesAddress(), tables.saveTargetsAddress(),
                        tables.carrySaveCount(), config.hiddenSize());
            }
            stack.run(tables, buffers);
            if (loop < config.numLoops() - 1) {
                carried(count);
            }
        }
        int[][] out = new int[sequences.size()][];
        int r = 0;
        for (int s = 0; s < sequences.size(); s++) {
            out[s] = new int[tokens.get(s).length];
            for (int j = 0; j < out[s].length; j++) {
                out[s][j] = r++;
            }
        }
        return out;
    }

    /** previous = h^l as the next loop consumes it: normed by model.norm when plt_normalize_per_loop. */
    private void carried(int rows) {
        int d = config.hiddenSize();
        if (config.normalizePerLoop()) {
            kernels.rmsnorm(buffers.previous, d, false, buffers.hidden, d, 0, weights.finalNorm(),
                    config.rmsNormEps(), rows, d);
        } else {
            gpu.copy(buffers.previous, buffers.hidden, 4L * rows * d);
        }
    }

    private PassTables upload(PassLayout rows) {
        PassTables tables = PassTables.build(rows, config);
        long at = buffers.tables(tables.byteSize());
        gpu.upload(at, tables.bytes());
        tables.placeAt(at);
        return tables;
    }

    private long rowAddress(long buffer, int row) {
        return buffer + 4L * row * config.hiddenSize();
    }
}
