package dev.plt.model.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * The rows of one device pass, as the CPU's {@code PassRows}: each row is one (sequence, loop,
 * position), and the rows of one (sequence, loop) are contiguous with ascending positions (a "run"),
 * which is how windowed attention finds keys computed in this very pass. Each row also names its token
 * and the device address of the carry its input adds ({@code a * E(x) + b * carry}, 0 for loop 1), and
 * the pass lists the carries to save into sequences ({@code source -> target}, d floats each).
 */
final class PassLayout {
    private final int count;
    private final DeviceSequence[] sequence;
    private final int[] loop;
    private final int[] position;
    private final int[] token;
    private final int[] runFirstRow;
    private final long[] carrySource;
    private final List<long[]> carrySaves = new ArrayList<>();

    PassLayout(int count) {
        this.count = count;
        this.sequence = new DeviceSequence[count];
        this.loop = new int[count];
        this.position = new int[count];
        this.token = new int[count];
        this.runFirstRow = new int[count];
        this.carrySource = new long[count];
    }

    void set(int row, DeviceSequence seq, int loopIndex, int pos, int tokenId, long carryAddress) {
        sequence[row] = seq;
        loop[row] = loopIndex;
        position[row] = pos;
        token[row] = tokenId;
        carrySource[row] = carryAddress;
        boolean continuesRun = row > 0 && sequence[row - 1] == seq && loop[row - 1] == loopIndex
                && position[row - 1] == pos - 1;
        runFirstRow[row] = continuesRun ? runFirstRow[row - 1] : row;
    }

    /** After the pass's inputs are built, copy the d floats at {@code source} to {@code target}. */
    void saveCarry(long source, long target) {
        carrySaves.add(new long[] {source, target});
    }

    int count() {
        return count;
    }

    DeviceSequence sequence(int row) {
        return sequence[row];
    }

    int loop(int row) {
        return loop[row];
    }

    int position(int row) {
        return position[row];
    }

    int token(int row) {
        return token[row];
    }

    int runFirstRow(int row) {
        return runFirstRow[row];
    }

    long carrySource(int row) {
        return carrySource[row];
    }

    List<long[]> carrySaves() {
        return carrySaves;
    }

    /** The last position of the run {@code row} belongs to. */
    int runLastPosition(int row) {
        int last = row;
        while (last + 1 < count && runFirstRow[last + 1] == runFirstRow[row]) {
            last++;
        }
        return position[last];
    }
}
