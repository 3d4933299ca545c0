package dev.plt.model.cuda;

import dev.plt.model.config.LoopAttention;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.loop.ClpPlan;
import dev.plt.model.loop.LoopInputs;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One pass of a {@link ClpPlan} translated into what the kernels read, computed on the host and uploaded in
 * ONE copy: per-row tokens, positions, run starts and carry sources (device addresses of each row's input
 * source); the carry saves as address pairs; the G-SWA rows; the attention tasks; and, per layer, the cache
 * addresses each row writes and reads. The plan decides rows, inputs and saves; the decisions the CPU
 * engine makes row by row while it runs ({@code DecoderStack}, {@code GatedWindowAttention}) are made
 * here once:
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
    private final float embeddingScale;
    private final float sourceScale;
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
    private final int savesBeforeRun;     // saveSources/saveTargets: the saves before the run, then those after
    private final long[] saveSources;
    private final long[] saveTargets;

    private final ByteBuffer bytes;
    private final List<Long> offsets = new ArrayList<>();
    private long base;

    private PassTables(ClpPlan.Pass pass, List<DeviceSequence> sequences, ModelConfig config, long previousRows,
            long savedRows) {
        count = pass.count();
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
        ClpPlan.Input sourced = null; // the input kind of the rows that read a source (one per pass)
        fullKeys = new long[layers][count];
        fullValues = new long[layers][count];
        ringKeys = new long[layers][count];
        ringValues = new long[layers][count];
        ringWriteKeys = new long[layers][count];
        ringWriteValues = new long[layers][count];
        for (int row = 0; row < count; row++) {
            DeviceSequence seq = sequences.get(pass.sequence(row));
            int loop = pass.loop(row);
            int pos = pass.position(row);
            tokens[row] = pass.token(row);
            positions[row] = pos;
            runFirstRow[row] = pass.runStart(row);
            ClpPlan.Input input = pass.input(row);
            carrySources[row] = switch (input) {
                case EMBEDDING -> 0;
                case CARRY -> seq.carry(loop - 1);
                case PREVIOUS_ROW, SERIAL_ROW -> rowAddress(previousRows, pass.inputRow(row), config);
            };
            if (input != ClpPlan.Input.EMBEDDING) {
                if (sourced != null && sourced != input && !sameScales(config, sourced, input)) {
                    throw new IllegalStateException("plt_embed_rows takes one (a, b) per pass, but row " + row
                            + " reads " + input + " after " + sourced);
                }
                sourced = input;
            }
            ringSlots[row] = pos % slots;
            boolean ownFull = seq.hasOwnFullCache(loop);
            boolean gswa = config.attentionOf(loop) == LoopAttention.SHARED_PLUS_WINDOW;
            int runLastPosition = pass.position(pass.runEnd(row) - 1);
            boolean writesRing = gswa && pos > runLastPosition - slots;
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
        ClpPlan.Input scaled = sourced != null ? sourced : ClpPlan.Input.EMBEDDING;
        embeddingScale = LoopInputs.embeddingScale(config, scaled);
        sourceScale = LoopInputs.sourceScale(config, scaled);
        anyFullWrite = fullWrite;
        ringWrites = ringWriteCount;
        windowRows = window.stream().mapToInt(Integer::intValue).toArray();

        int rowsPerTask = LaunchMath.attendRowsPerTask(config.groupSize(), config.headDim());
        List<int[]> tasks = new ArrayList<>();
        int longest = 0;
        for (int row = 0; row < count; row++) {
            int[] last = tasks.isEmpty() ? null : tasks.get(tasks.size() - 1);
            if (last != null && last[1] < rowsPerTask && sameCache(pass, sequences, last[0] + last[1] - 1, row)) {
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
            DeviceSequence seq = sequences.get(pass.sequence(first));
            int owner = seq.cacheOwner(pass.loop(first));
            for (int layer = 0; layer < layers; layer++) {
                taskKeys[layer][t] = seq.fullKeys(owner, layer);
                taskValues[layer][t] = seq.fullValues(owner, layer);
            }
        }
        maxTaskRows = longest;

        savesBeforeRun = pass.savesBeforeRun().size();
        int saves = savesBeforeRun + pass.savesAfterRun().size();
        saveSources = new long[saves];
        saveTargets = new long[saves];
        for (int i = 0; i < saves; i++) {
            boolean before = i < savesBeforeRun;
            ClpPlan.CarrySave save = before
                    ? pass.savesBeforeRun().get(i)
                    : pass.savesAfterRun().get(i - savesBeforeRun);
            saveSources[i] = rowAddress(before ? previousRows : savedRows, save.row(), config);
            saveTargets[i] = sequences.get(save.sequence()).carry(save.loop());
        }
        bytes = serialize();
    }

    private static boolean sameScales(ModelConfig config, ClpPlan.Input a, ClpPlan.Input b) {
        return LoopInputs.embeddingScale(config, a) == LoopInputs.embeddingScale(config, b)
                && LoopInputs.sourceScale(config, a) == LoopInputs.sourceScale(config, b);
    }

    private static long rowAddress(long rows, int row, ModelConfig config) {
        return rows + 4L * row * config.hiddenSize();
    }

    /** Whether {@code row} is the next row of the task ending at {@code previous}: same sequence, same cache. */
    private static boolean sameCache(ClpPlan.Pass pass, List<DeviceSequence> sequences, int previous, int row) {
        DeviceSequence seq = sequences.get(pass.sequence(row));
        return pass.sequence(previous) == pass.sequence(row) && previous == row - 1
                && seq.cacheOwner(pass.loop(previous)) == seq.cacheOwner(pass.loop(row));
    }

    /**
     * The tables of {@code pass} over {@code sequences} (the call's sequences, indexed as in the plan).
     *
     * @param previousRows device address of the previous pass's outputs in carried form, {@code [row][d]} f32:
     *                     what {@link ClpPlan.Input#PREVIOUS_ROW} / {@code SERIAL_ROW} inputs and the saves
     *                     before the run read
     * @param savedRows    where this pass's outputs, in carried form, are when the saves after the run copy them
     */
    static PassTables build(ClpPlan.Pass pass, List<DeviceSequence> sequences, ModelConfig config, long previousRows,
            long savedRows) {
        return new PassTables(pass, sequences, config, previousRows, savedRows);
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

    /** The carry saves before the run: {@link #savesBeforeRun()} source and target addresses. */
    long saveSourcesAddress() {
        return address(SAVE_SOURCES);
    }

    long saveTargetsAddress() {
        return address(SAVE_TARGETS);
    }

    /** The carry saves after the run, which follow those before it in the same sections. */
    long saveSourcesAfterRunAddress() {
        return address(SAVE_SOURCES) + 8L * savesBeforeRun;
    }

    long saveTargetsAfterRunAddress() {
        return address(SAVE_TARGETS) + 8L * savesBeforeRun;
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

    int savesBeforeRun() {
        return savesBeforeRun;
    }

    int savesAfterRun() {
        return saveSources.length - savesBeforeRun;
    }

    /** The kernel's a: the factor of E(x) for rows that read a source (plt_embed_rows; {@link LoopInputs}). */
    float embeddingScale() {
        return embeddingScale;
    }

    /** The kernel's b: the factor of the source. */
    float sourceScale() {
        return sourceScale;
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

    long carrySource(int row) {
        return carrySources[row];
    }

    long saveSource(int i) {
        return saveSources[i];
    }

    long saveTarget(int i) {
        return saveTargets[i];
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
