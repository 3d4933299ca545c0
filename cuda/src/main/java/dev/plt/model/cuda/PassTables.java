package dev.plt.model.cuda;

import dev.plt.model.config.LoopAttention;
import dev.plt.model.config.ModelConfig;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the kernels of one pass read about its rows, computed on the host and uploaded in ONE copy:
 * per-row tokens, positions, run starts and carry sources; the G-SWA rows; the attention tasks; and, per
 * layer, the cache addresses each row writes and reads. The decisions the CPU engine makes row by row
 * while it runs ({@code DecoderStack}, {@code GatedWindowAttention}) are made here once:
 * <ul>
 *   <li>full-cache writes: rows whose loop keeps its own full cache write K/V at slot = position, before
 *       attention, so rows of loops >= 2 in the same pass see loop 1's K/V of their own position;</li>
 *   <li>attention tasks: maximal groups of consecutive rows of one sequence that read the same full cache
 *       (at most {@link LaunchMath#attendRowsPerTask} rows), so a CLP decode step reads loop 1's cache
 *       once for all L loops;</li>
 *   <li>ring writes: a G-SWA row writes slot {@code position mod (w + 1)} only when it is among the last
 *       w + 1 positions of its run, after attention, so no two rows of a pass write one slot.</li>
 * </ul>
 */
final class PassTables {
    private final int count;
    private final int layers;
    private final int[] tokens;
    private final int[] positions;
    private final int[] runFirstRow;
    private final long[] carrySources;
    private final int[] windowRows;
    private final int[] ringSlots;
    private final int[] taskRows; // [task][first row, row count]
    private final int maxTaskRows;
    private final boolean anyFullWrite;
    private final int ringWrites;
    private final long[][] fullKeys;      // [layer][row]: where the row writes its K, 0 if it does not
    private final long[][] fullValues;
    private final long[][] ringKeys;      // [layer][row]: the ring a G-SWA row reads its old keys from
    private final long[][] ringValues;
    private final long[][] ringWriteKeys; // [layer][row]: ring base when the row writes its slot, else 0
    private final long[][] ringWriteValues;
    private final long[][] taskKeys;      // [layer][task]: the cache a task attends over
    private final long[][] taskValues;
    private final long[] saveSources;
    private final long[] saveTargets;

    private final ByteBuffer bytes;
    private final List<Long> offsets = new ArrayList<>();
    private long base;

    private PassTables(PassLayout rows, ModelConfig config) {
        count = rows.count();
        layers = config.numLayers();
        tokens = new int[count];
        positions = new int[count];
        runFirstRow = new int[count];
        carrySources = new long[count];
        ringSlots = new int[count];
        int slots = config.windowSize() + 1;
        List<Integer> window = new ArrayList<>();
        boolean fullWrite = false;
        int ringWriteCount = 0;
        fullKeys = new long[layers][count];
        fullValues = new long[layers][count];
        ringKeys = new long[layers][count];
        ringValues = new long[layers][count];
        ringWriteKeys = new long[layers][count];
        ringWriteValues = new long[layers][count];
        for (int row = 0; row < count; row++) {
            DeviceSequence seq = rows.sequence(row);
            int loop = rows.loop(row);
            int pos = rows.position(row);
            tokens[row] = rows.token(row);
            positions[row] = pos;
            runFirstRow[row] = rows.runFirstRow(row);
            carrySources[row] = rows.carrySource(row);
            ringSlots[row] = pos % slots;
            boolean ownFull = seq.hasOwnFullCache(loop);
            boolean gswa = config.attentionOf(loop) == LoopAttention.SHARED_PLUS_WINDOW;
            boolean writesRing = gswa && pos > rows.runLastPosition(row) - slots;
            fullWrite |= ownFull;
            if (gswa) {
                window.add(row);
            }
            if (writesRing) {
                ringWriteCount++;
            }
            for (int layer = 0; layer < layers; layer++) {
                if (ownFull) {
                    fullKeys[layer][row] = seq.fullKeys(loop, layer);
                    fullValues[layer][row] = seq.fullValues(loop, layer);
                }
                if (gswa) {
                    ringKeys[layer][row] = seq.ringKeys(loop, layer);
                    ringValues[layer][row] = seq.ringValues(loop, layer);
                }
                if (writesRing) {
                    ringWriteKeys[layer][row] = seq.ringKeys(loop, layer);
                    ringWriteValues[layer][row] = seq.ringValues(loop, layer);
                }
            }
        }
        anyFullWrite = fullWrite;
        ringWrites = ringWriteCount;
        windowRows = window.stream().mapToInt(Integer::intValue).toArray();

        int rowsPerTask = LaunchMath.attendRowsPerTask(config.groupSize(), config.headDim());
        List<int[]> tasks = new ArrayList<>();
        int longest = 0;
        for (int row = 0; row < count; row++) {
            int[] last = tasks.isEmpty() ? null : tasks.get(tasks.size() - 1);
            if (last != null && last[1] < rowsPerTask && sameCache(rows, last[0] + last[1] - 1, row)) {
                last[1]++;
            } else {
                tasks.add(new int[] {row, 1});
            }
        }
        taskRows = new int[2 * tasks.size()];
        taskKeys = new long[layers][tasks.size()];
        taskValues = new long[layers][tasks.size()];
        for (int t = 0; t < tasks.size(); t++) {
            int first = tasks.get(t)[0];
            taskRows[2 * t] = first;
            taskRows[2 * t + 1] = tasks.get(t)[1];
            longest = Math.max(longest, tasks.get(t)[1]);
            DeviceSequence seq = rows.sequence(first);
            int owner = seq.cacheOwner(rows.loop(first));
            for (int layer = 0; layer < layers; layer++) {
                taskKeys[layer][t] = seq.fullKeys(owner, layer);
                taskValues[layer][t] = seq.fullValues(owner, layer);
            }
        }
        maxTaskRows = longest;

        saveSources = rows.carrySaves().stream().mapToLong(s -> s[0]).toArray();
        saveTargets = rows.carrySaves().stream().mapToLong(s -> s[1]).toArray();
        bytes = serialize();
    }

    /** Whether {@code row} is the next row of the task ending at {@code previous}: same sequence, same cache. */
    private static boolean sameCache(PassLayout rows, int previous, int row) {
        DeviceSequence seq = rows.sequence(row);
        return rows.sequence(previous) == seq && previous == row - 1
                && seq.cacheOwner(rows.loop(previous)) == seq.cacheOwner(rows.loop(row));
    }

    static PassTables build(PassLayout rows, ModelConfig config) {
        return new PassTables(rows, config);
    }

    // Section order in the uploaded block; offsets are kept in `offsets` in this order.
    private static final int TOKENS = 0;
    private static final int POSITIONS = 1;
    private static final int RUN_FIRST_ROW = 2;
    private static final int CARRY_SOURCES = 3;
    private static final int WINDOW_ROWS = 4;
    private static final int RING_SLOTS = 5;
    private static final int TASK_ROWS = 6;
    private static final int SAVE_SOURCES = 7;
    private static final int SAVE_TARGETS = 8;
    private static final int FIRST_LAYER_SECTION = 9;
    private static final int SECTIONS_PER_LAYER = 8;

    private ByteBuffer serialize() {
        List<Object> sections = new ArrayList<>(List.of(tokens, positions, runFirstRow, carrySources, windowRows,
                ringSlots, taskRows, saveSources, saveTargets));
        for (int layer = 0; layer < layers; layer++) {
            sections.addAll(List.of(fullKeys[layer], fullValues[layer], ringKeys[layer], ringValues[layer],
                    ringWriteKeys[layer], ringWriteValues[layer], taskKeys[layer], taskValues[layer]));
        }
        long size = 0;
        for (Object section : sections) {
            offsets.add(size);
            size += align8(sectionBytes(section));
        }
        ByteBuffer out = HostBuffers.allocate(Math.max(8, size));
        for (int s = 0; s < sections.size(); s++) {
            out.position(Math.toIntExact(offsets.get(s)));
            if (sections.get(s) instanceof int[] ints) {
                for (int v : ints) {
                    out.putInt(v);
                }
            } else {
                for (long v : (long[]) sections.get(s)) {
                    out.putLong(v);
                }
            }
        }
        out.clear();
        return out;
    }

    private static long sectionBytes(Object section) {
        return section instanceof int[] ints ? 4L * ints.length : 8L * ((long[]) section).length;
    }

    private static long align8(long n) {
        return (n + 7) & ~7L;
    }

    /** The block to upload; the device addresses below are valid once it is at {@link #placeAt}. */
    ByteBuffer bytes() {
        return bytes.duplicate().order(bytes.order());
    }

    int byteSize() {
        return bytes.capacity();
    }

    void placeAt(long deviceAddress) {
        base = deviceAddress;
    }

    private long address(int section) {
        if (base == 0) {
            throw new IllegalStateException("pass tables not uploaded yet");
        }
        return base + offsets.get(section);
    }

    private long layerAddress(int layer, int which) {
        return address(FIRST_LAYER_SECTION + layer * SECTIONS_PER_LAYER + which);
    }

    long tokensAddress() {
        return address(TOKENS);
    }

    long positionsAddress() {
        return address(POSITIONS);
    }

    long runFirstRowAddress() {
        return address(RUN_FIRST_ROW);
    }

    long carrySourcesAddress() {
        return address(CARRY_SOURCES);
    }

    long windowRowsAddress() {
        return address(WINDOW_ROWS);
    }

    long ringSlotsAddress() {
        return address(RING_SLOTS);
    }

    long taskRowsAddress() {
        return address(TASK_ROWS);
    }

    long saveSourcesAddress() {
        return address(SAVE_SOURCES);
    }

    long saveTargetsAddress() {
        return address(SAVE_TARGETS);
    }

    long fullKeysAddress(int layer) {
        return layerAddress(layer, 0);
    }

    long fullValuesAddress(int layer) {
        return layerAddress(layer, 1);
    }

    long ringKeysAddress(int layer) {
        return layerAddress(layer, 2);
    }

    long ringValuesAddress(int layer) {
        return layerAddress(layer, 3);
    }

    long ringWriteKeysAddress(int layer) {
        return layerAddress(layer, 4);
    }

    long ringWriteValuesAddress(int layer) {
        return layerAddress(layer, 5);
    }

    long taskKeysAddress(int layer) {
        return layerAddress(layer, 6);
    }

    long taskValuesAddress(int layer) {
        return layerAddress(layer, 7);
    }

    int count() {
        return count;
    }

    int windowRowCount() {
        return windowRows.length;
    }

    int taskCount() {
        return taskRows.length / 2;
    }

    int maxTaskRows() {
        return maxTaskRows;
    }

    boolean anyFullWrite() {
        return anyFullWrite;
    }

    int ringWriteCount() {
        return ringWrites;
    }

    int carrySaveCount() {
        return saveSources.length;
    }

    // Host copies, for tests.

    int[] windowRows() {
        return windowRows.clone();
    }

    int[] taskRows() {
        return taskRows.clone();
    }

    int[] ringSlots() {
        return ringSlots.clone();
    }

    long fullKey(int layer, int row) {
        return fullKeys[layer][row];
    }

    long ringKey(int layer, int row) {
        return ringKeys[layer][row];
    }

    long ringWriteKey(int layer, int row) {
        return ringWriteKeys[layer][row];
    }

    long taskKey(int layer, int task) {
        return taskKeys[layer][task];
    }
}
