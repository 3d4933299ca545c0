package dev.plt.model.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.config.GateInput;
import dev.plt.model.config.LoopMode;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.loop.ClpPlan;
import dev.plt.model.loop.KvFootprint;
import dev.plt.model.loop.WindowKvCache;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The host-side decisions of a pass, against the CPU engine's rules: which rows write which caches, which
 * rows read the shared cache together, where ring slots are, and the plan's inputs and carry saves as
 * device addresses. Sequences live on a capturing device, which only hands out addresses.
 */
class PassTablesTest {
    private static final long PREVIOUS = 0x7000_0000L; // where the previous pass's carried outputs would be
    private static final long SAVED = 0x9000_0000L;    // where this pass's outputs would be read for saves

    private static ModelConfig config(int loops, LoopMode mode, boolean kvShare, boolean gswa, int window) {
        return config(loops, mode, kvShare, gswa, window, 1f, 1f);
    }

    private static ModelConfig config(int loops, LoopMode mode, boolean kvShare, boolean gswa, int window, float a,
            float b) {
        return new ModelConfig("llama", 32, 64, 2, 4, 2, 8, 300, 1e-5f, 10000.0, 4096, false, false, "bfloat16",
                loops, mode, kvShare, gswa, GateInput.QUERY, window, a, b, false);
    }

    /** Pass {@code pass} of the first step of the plan appending {@code tokens} to the sequences. */
    private static ClpPlan.Pass plannedPass(ModelConfig config, List<DeviceSequence> sequences, List<int[]> tokens,
            int pass) {
        int[] lengths = sequences.stream().mapToInt(DeviceSequence::length).toArray();
        return ClpPlan.of(config, lengths, tokens, 64, true).steps().get(0).passes().get(pass);
    }

    private static PassTables tables(ModelConfig config, List<DeviceSequence> sequences, List<int[]> tokens,
            int pass) {
        return PassTables.build(plannedPass(config, sequences, tokens, pass), sequences, config, PREVIOUS, SAVED);
    }

    private static long row(long base, int row, ModelConfig config) {
        return base + 4L * row * config.hiddenSize();
    }

    private static DeviceSequence sequence(Gpu gpu, ModelConfig config, int length) {
        DeviceSequence seq = new DeviceSequence(gpu, config, new DeviceAllocations());
        seq.advance(length);
        return seq;
    }

    @Test
    void clpDecodeStepIsOneTaskPerSequenceOverLoopOnesCache() {
        ModelConfig config = config(2, LoopMode.PARALLEL, true, true, 3);
        CapturingGpu gpu = new CapturingGpu();
        DeviceSequence a = sequence(gpu, config, 9);
        DeviceSequence b = sequence(gpu, config, 4);
        PassTables t = tables(config, List.of(a, b), List.of(new int[] {5}, new int[] {6}), 0);
        assertArrayEquals(new int[] {0, 2, 2, 2}, t.taskRows(), "one task of L = 2 rows per sequence");
        for (int layer = 0; layer < 2; layer++) {
            assertEquals(a.fullKeys(0, layer), t.taskKey(layer, 0));
            assertEquals(b.fullKeys(0, layer), t.taskKey(layer, 1));
            assertEquals(a.fullKeys(0, layer), t.fullKey(layer, 0), "loop 1 writes its own cache");
            assertEquals(0, t.fullKey(layer, 1), "a KV-sharing loop writes no full cache");
            assertEquals(a.ringKeys(1, layer), t.ringKey(layer, 1));
            assertEquals(a.ringKeys(1, layer), t.ringWriteKey(layer, 1), "the only row of its run writes its slot");
        }
        assertArrayEquals(new int[] {1, 3}, t.windowRows());
        assertEquals(9 % 4, t.ringSlots()[1]);
        assertEquals(2, t.ringWriteCount());
        assertArrayEquals(new long[] {0, a.carry(0), 0, b.carry(0)},
                new long[] {t.carrySource(0), t.carrySource(1), t.carrySource(2), t.carrySource(3)},
                "loop 1 reads the embedding alone, loop 2 the carry saved at the previous step");
        assertEquals(0, t.savesBeforeRun());
        assertEquals(2, t.savesAfterRun(), "loop 1's rows become the carries after the pass");
        assertEquals(row(SAVED, 0, config), t.saveSource(0));
        assertEquals(a.carry(0), t.saveTarget(0));
        assertEquals(row(SAVED, 2, config), t.saveSource(1));
        assertEquals(b.carry(0), t.saveTarget(1));
    }

    @Test
    void prefillWritesOnlyTheLastWindowOfEachRunToTheRing() {
        int window = 2;
        ModelConfig config = config(2, LoopMode.PARALLEL, true, true, window);
        CapturingGpu gpu = new CapturingGpu();
        DeviceSequence seq = sequence(gpu, config, 10);
        PassTables t = tables(config, List.of(seq), List.of(new int[] {1, 1, 1, 1, 1, 1}), 1);
        WindowKvCache cpuRing = new WindowKvCache(config.kvDim(), window);
        for (int j = 0; j < 6; j++) {
            boolean lastWindow = j >= 6 - (window + 1);
            assertEquals(lastWindow ? seq.ringKeys(1, 0) : 0, t.ringWriteKey(0, j), "row " + j);
            assertEquals(cpuRing.offsetOf(10 + j) / config.kvDim(), t.ringSlots()[j], "slot of position " + (10 + j));
        }
        assertEquals(3, t.ringWriteCount());
        int rowsPerTask = LaunchMath.attendRowsPerTask(config.groupSize(), config.headDim());
        assertEquals((6 + rowsPerTask - 1) / rowsPerTask, t.taskCount());
        assertEquals(seq.carry(0), t.carrySource(0), "the first new position reads the saved carry");
        for (int j = 1; j < 6; j++) {
            assertEquals(row(PREVIOUS, j - 1, config), t.carrySource(j), "loop 1's output one position back");
        }
        assertEquals(1, t.savesBeforeRun());
        assertEquals(0, t.savesAfterRun());
        assertEquals(row(PREVIOUS, 5, config), t.saveSource(0), "loop 1's last new position becomes the carry");
        assertEquals(seq.carry(0), t.saveTarget(0));
    }

    @Test
    void loopsWithTheirOwnCacheReadItAlone() {
        // CLP only (no KV share): each loop attends over its own full cache, so loops are separate tasks.
        ModelConfig config = config(3, LoopMode.PARALLEL, false, true, 3);
        CapturingGpu gpu = new CapturingGpu();
        DeviceSequence seq = sequence(gpu, config, 5);
        PassTables t = tables(config, List.of(seq), List.of(new int[] {1}), 0);
        assertArrayEquals(new int[] {0, 1, 1, 1, 2, 1}, t.taskRows());
        for (int loop = 0; loop < 3; loop++) {
            assertEquals(seq.fullKeys(loop, 1), t.taskKey(1, loop));
            assertEquals(seq.fullKeys(loop, 1), t.fullKey(1, loop));
            assertTrue(loop == 0 || seq.fullKeys(loop, 1) != seq.fullKeys(0, 1));
        }
        assertEquals(0, t.windowRowCount());
    }

    @Test
    void tablesAreUploadedAsOneAlignedBlock() {
        ModelConfig config = config(2, LoopMode.PARALLEL, true, true, 3);
        CapturingGpu gpu = new CapturingGpu();
        DeviceSequence seq = sequence(gpu, config, 0);
        PassTables t = tables(config, List.of(seq), List.of(new int[] {40, 41, 42}), 0);
        long base = 0x10000;
        t.placeAt(base);
        ByteBuffer bytes = t.bytes();
        assertEquals(0, (t.positionsAddress() - base) % 8);
        assertEquals(0, (t.carrySourcesAddress() - base) % 8, "u64 tables are 8-byte aligned");
        for (int j = 0; j < 3; j++) {
            assertEquals(40 + j, bytes.getInt((int) (t.tokensAddress() - base) + 4 * j));
            assertEquals(j, bytes.getInt((int) (t.positionsAddress() - base) + 4 * j));
            assertEquals(seq.fullKeys(0, 1), bytes.getLong((int) (t.fullKeysAddress(1) - base) + 8 * j));
        }
    }

    @Test
    void kernelScalesComeFromTheClpRule() {
        ModelConfig plt = config(2, LoopMode.PARALLEL, true, true, 3, 0.707f, 0.053f);
        DeviceSequence seq = sequence(new CapturingGpu(), plt, 3);
        PassTables decode = tables(plt, List.of(seq), List.of(new int[] {1}), 0);
        assertEquals(0.707f, decode.embeddingScale());
        assertEquals(0.053f, decode.sourceScale());
        PassTables prefillLoop2 = tables(plt, List.of(seq), List.of(new int[] {1, 2, 3}), 1);
        assertEquals(0.707f, prefillLoop2.embeddingScale());
        assertEquals(0.053f, prefillLoop2.sourceScale());

        ModelConfig serial = config(2, LoopMode.SERIAL, true, true, 3, 0.707f, 0.053f);
        DeviceSequence serialSeq = sequence(new CapturingGpu(), serial, 3);
        PassTables serialLoop2 = tables(serial, List.of(serialSeq), List.of(new int[] {1}), 1);
        assertEquals(0f, serialLoop2.embeddingScale(), "a serial loop consumes loop 1's output unscaled");
        assertEquals(1f, serialLoop2.sourceScale());
        assertEquals(row(PREVIOUS, 0, serial), serialLoop2.carrySource(0), "at the same position");
    }

    @Test
    void deviceKvBytesFollowTheSpecFormula() {
        ModelConfig[] configs = {config(1, LoopMode.NONE, true, true, 3), config(2, LoopMode.SERIAL, true, true, 3),
            config(2, LoopMode.PARALLEL, true, true, 3), config(3, LoopMode.PARALLEL, true, false, 3),
            config(3, LoopMode.PARALLEL, false, true, 3)};
        for (ModelConfig config : configs) {
            DeviceSequence seq = sequence(new CapturingGpu(), config, 0);
            seq.ensureCapacity(100);
            seq.advance(100);
            assertEquals(KvFootprint.bytesPerSequence(config, 100), seq.kvBytes(), config.familyName());
        }
    }
}
