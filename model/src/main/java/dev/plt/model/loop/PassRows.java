package dev.plt.model.loop;

import dev.plt.model.loop.ClpPlan;
import dev.plt.model.loop.SequenceState;
import java.util.List;

/**
 * The rows of one forward pass through the decoder stack, as the CPU engine holds them: a
 * {@link ClpPlan.Pass} with each row's sequence state and residual stream. A row is one (sequence, loop,
 * position); rows of the same (sequence, loop) are contiguous and in ascending position order (a run),
 * which is how windowed attention finds K/V computed in this very pass.
 */
public final class PassRows {
    final int count;
    final SequenceState[] sequence;
    final int[] loop;
    final int[] position;
    final int[] runStart; // index of the first row of this row's run
    /** Residual stream, {@code [count][hiddenSize]}: the loop inputs B^l going in, h^l coming out. */
    public final float[] hidden;

    public PassRows(int count, int hiddenSize) {
        this.count = count;
        this.sequence = new SequenceState[count];
        this.loop = new int[count];
        this.position = new int[count];
        this.runStart = new int[count];
        this.hidden = new float[count * hiddenSize];
    }

    /** The rows of a planned pass over {@code states} (the call's sequences, indexed as in the plan). */
    public static PassRows of(ClpPlan.Pass pass, List<SequenceState> states, int hiddenSize) {
        PassRows rows = new PassRows(pass.count(), hiddenSize);
        for (int row = 0; row < pass.count(); row++) {
            rows.sequence[row] = states.get(pass.sequence(row));
            rows.loop[row] = pass.loop(row);
            rows.position[row] = pass.position(row);
            rows.runStart[row] = pass.runStart(row);
        }
        return rows;
    }

    /**
     * Declares row {@code row} by hand (benchmarks); the engine's passes come from {@link #of}. Its input
     * goes in {@link #hidden} at {@code row * hiddenSize}.
     */
    public void set(int row, SequenceState seq, int loopIndex, int pos) {
        sequence[row] = seq;
        loop[row] = loopIndex;
        position[row] = pos;
        boolean continuesRun = row > 0 && sequence[row - 1] == seq && loop[row - 1] == loopIndex
                && position[row - 1] == pos - 1;
        runStart[row] = continuesRun ? runStart[row - 1] : row;
    }

    /** Each row's position, indexed by row (the engine's own array: read it, never write it). */
    public int[] positions() {
        return position;
    }

    public int count() {
        return count;
    }

    public int position(int row) {
        return position[row];
    }

    public int loop(int row) {
        return loop[row];
    }

    public SequenceState sequence(int row) {
        return sequence[row];
    }

    /** The row of this pass holding {@code pos} of the same (sequence, loop) as {@code row}, or -1. */
    public int rowOfPosition(int row, int pos) {
        int start = runStart[row];
        int first = position[start];
        return pos >= first && pos <= position[row] ? start + (pos - first) : -1;
    }
}
