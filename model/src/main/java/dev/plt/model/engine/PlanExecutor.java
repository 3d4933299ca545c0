package dev.plt.model.engine;

import dev.plt.model.config.ModelConfig;
import dev.plt.model.kernels.Kernels;
import dev.plt.model.loop.ClpPlan;
import dev.plt.model.loop.ClpPlan.CarrySave;
import dev.plt.model.loop.ClpPlan.Pass;
import dev.plt.model.loop.LoopInputs;
import dev.plt.model.loop.PassRows;
import dev.plt.model.loop.SequenceState;
import dev.plt.model.weights.ModelWeights;
import java.util.List;

/**
 * Runs the steps of a {@link ClpPlan} on the CPU: builds each pass's inputs ({@link LoopInputs}), saves the
 * carries the plan names, runs the rows through the {@link DecoderStack}. It makes no scheduling decision
 * of its own; the plan's class comment says what a step does and in which order.
 */
final class PlanExecutor {
    private final ModelConfig config;
    private final ModelWeights weights;
    private final Kernels kernels;
    private final DecoderStack stack;

    PlanExecutor(ModelConfig config, ModelWeights weights, Kernels kernels, DecoderStack stack) {
        this.config = config;
        this.weights = weights;
        this.kernels = kernels;
        this.stack = stack;
    }

    /**
     * Runs one step on {@code states} (the call's sequences, indexed as in the plan), advances its members,
     * and returns the last pass's outputs {@code [rows][hiddenSize]}: h^L at the rows holding the last loop.
     */
    float[] run(ClpPlan.Step step, List<SequenceState> states) {
        int d = config.hiddenSize();
        List<Pass> passes = step.passes();
        float[] embedding = new float[d];
        float[] previous = null; // the previous pass's outputs in carried form, as this pass's inputs read them
        PassRows rows = null;
        for (int p = 0; p < passes.size(); p++) {
            Pass pass = passes.get(p);
            rows = PassRows.of(pass, states, d);
            for (int row = 0; row < pass.count(); row++) {
                weights.embedTokens().copyRow(pass.token(row), embedding, 0);
                float[] source = null;
                int sourceOffset = 0;
                switch (pass.input(row)) {
                    case EMBEDDING -> { }
                    case CARRY -> source = states.get(pass.sequence(row)).carry(pass.loop(row) - 1);
                    case PREVIOUS_ROW, SERIAL_ROW -> {
                        source = previous;
                        sourceOffset = pass.inputRow(row) * d;
                    }
                }
                LoopInputs.write(config, pass.input(row), embedding, 0, source, sourceOffset, rows.hidden, row * d);
            }
            for (CarrySave save : pass.savesBeforeRun()) {
                System.arraycopy(previous, save.row() * d, states.get(save.sequence()).carry(save.loop()), 0, d);
            }
            stack.run(rows);
            boolean lastPass = p == passes.size() - 1;
            if (!lastPass) {
                previous = new float[pass.count() * d];
                for (int row = 0; row < pass.count(); row++) {
                    carried(rows.hidden, row * d, previous, row * d);
                }
            }
            for (CarrySave save : pass.savesAfterRun()) {
                float[] target = states.get(save.sequence()).carry(save.loop());
                if (lastPass) {
                    carried(rows.hidden, save.row() * d, target, 0);
                } else {
                    System.arraycopy(previous, save.row() * d, target, 0, d);
                }
            }
        }
        for (int m = 0; m < step.memberCount(); m++) {
            states.get(step.member(m)).advance(step.tokenCount(m));
        }
        return rows.hidden;
    }

    /** A loop's output as the next loop consumes it: normed by model.norm when plt_normalize_per_loop. */
    private void carried(float[] h, int hOff, float[] out, int outOff) {
        int d = config.hiddenSize();
        if (config.normalizePerLoop()) {
            kernels.rmsnorm(h, hOff, weights.finalNorm(), config.rmsNormEps(), out, outOff, d);
        } else {
            System.arraycopy(h, hOff, out, outOff, d);
        }
    }
}
