package dev.plt.model.cuda;

import dev.plt.model.config.ModelConfig;
import dev.plt.model.loop.ClpPlan;
import java.util.List;

/**
 * Runs the steps of a {@link ClpPlan} on the device, in the plan's order (see its class comment): per pass,
 * the tables ({@link PassTables}, the plan translated into device addresses) go up in one copy, then
 * {@code plt_embed_rows} builds the inputs, the carries saved before the run are copied, the
 * {@link CudaDecoderStack} runs, and the carries saved after it are copied. It makes no scheduling decision
 * of its own.
 */
final class CudaPlanExecutor {
    private final ModelConfig config;
    private final DeviceWeights weights;
    private final DeviceKernels kernels;
    private final CudaDecoderStack stack;
    private final PassBuffers buffers;
    private final RopeTable rope;
    private final Gpu gpu;

    CudaPlanExecutor(ModelConfig config, DeviceWeights weights, DeviceKernels kernels, CudaDecoderStack stack,
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
     * Runs one step on {@code sequences} (the call's sequences, indexed as in the plan) and advances its
     * members. Afterwards row r of {@link PassBuffers#hidden} holds the last pass's output of row r (h^L at
     * the step's logit rows), valid until the next pass.
     */
    void run(ClpPlan.Step step, List<DeviceSequence> sequences) {
        for (int m = 0; m < step.memberCount(); m++) {
            DeviceSequence seq = sequences.get(step.member(m));
            seq.ensureCapacity(step.firstPosition(m) + step.tokenCount(m));
        }
        rope.ensurePositions(step.positionsEnd());
        buffers.ensureRows(step.maxRows());
        List<ClpPlan.Pass> passes = step.passes();
        for (int p = 0; p < passes.size(); p++) {
            ClpPlan.Pass pass = passes.get(p);
            boolean lastPass = p == passes.size() - 1;
            // `previous` holds the previous pass's outputs in carried form; after the last pass the saved
            // outputs are the residual stream itself unless they need the per-loop norm first.
            boolean carriedAfterRun = !lastPass || config.normalizePerLoop();
            long savedFrom = carriedAfterRun ? buffers.previous : buffers.hidden;
            PassTables tables = upload(PassTables.build(pass, sequences, config, buffers.previous, savedFrom));
            kernels.embedRows(buffers.hidden, weights.embedding(), tables.tokensAddress(),
                    tables.carrySourcesAddress(), tables.embeddingScale(), tables.sourceScale(), pass.count(),
                    config.hiddenSize());
            if (tables.savesBeforeRun() > 0) {
                kernels.copyVectors(tables.saveSourcesAddress(), tables.saveTargetsAddress(), tables.savesBeforeRun(),
                        config.hiddenSize());
            }
            stack.run(tables, buffers);
            if (!lastPass || (tables.savesAfterRun() > 0 && config.normalizePerLoop())) {
                carried(pass.count());
            }
            if (tables.savesAfterRun() > 0) {
                kernels.copyVectors(tables.saveSourcesAfterRunAddress(), tables.saveTargetsAfterRunAddress(),
                        tables.savesAfterRun(), config.hiddenSize());
            }
        }
        for (int m = 0; m < step.memberCount(); m++) {
            sequences.get(step.member(m)).advance(step.tokenCount(m));
        }
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

    private PassTables upload(PassTables tables) {
        long at = buffers.tables(tables.byteSize());
        gpu.upload(at, tables.bytes());
        tables.placeAt(at);
        return tables;
    }
}
