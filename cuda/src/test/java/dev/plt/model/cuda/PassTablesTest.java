package dev.plt.model.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.config.GateInput;
import dev.plt.model.config.LoopMode;
import dev.plt.model.config.ModelConfig;
import dev.plt.model.loop.KvFootprint;
import dev.plt.model.loop.WindowKvCache;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The host-side decisions of a pass, against the CPU engine's rules: which rows write which caches, which
 * rows read the shared cache together, where ring slots are. Sequences live on a capturing device, which
 * only hands out addresses.
 */
class PassTablesTest {
    private static ModelConfig config(int loops, LoopMode mode, boolean kvShare, boolean gswa, int window) {
        return new ModelConfig("llama", 32, 64, 2, 4, 2, 8, 300, 1e-5f, 10000.0, 4096, false, false, "bfloat16",
                loops, mode, kvShare, gswa, GateInput.QUERY, window, 1f, 1f, false);
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
        PassLayout rows = new PassLayout(4);
        rows.set(0, a, 0, 9, 5, 0);
        rows.set(1, a, 1, 9, 5, a.carry(0));
        rows.set(2, b, 0, 4, 6, 0);
        rows.set(3, b, 1, 4, 6, b.carry(0));
        PassTables t = PassTables.build(rows, config);
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
    }

    @Test
    void prefillWritesOnlyTheLastWindowOfEachRunToTheRing() {
        int window = 2;
        ModelConfig config = config(2, LoopMode.PARALLEL, true, true, window);
        CapturingGpu gpu = new CapturingGpu();
        DeviceSequence seq = sequence(gpu, config, 10);
        PassLayout rows = new PassLayout(6);
        for (int j = 0; j < 6; j++) {
            rows.set(j, seq, 1, 10 + j, 1, 0);
        }
        PassTables t = PassTables.build(rows, config);
        WindowKvCache cpuRing = new WindowKvCache(config.kvDim(), window);
        for (int j = 0; j < 6; j++) {
            boolean lastWindow = j >= 6 - (window + 1);
            assertEquals(lastWindow ? seq.ringKeys(1, 0) : 0, t.ringWriteKey(0, j), "row " + j);
            assertEquals(cpuRing.offsetOf(10 + j) / config.kvDim(), t.ringSlots()[j], "slot of position " + (10 + j));
        }
        assertEquals(3, t.ringWriteCount());
        int rowsPerTask = LaunchMath.attendRowsPerTask(config.groupSize(), config.headDim());
        assertEquals((6 + rowsPerTask - 1) / rowsPerTask, t.taskCount());
    }

    @Test
    void loopsWithTheirOwnCacheReadItAlone() {
        // CLP only (no KV share): each loop attends over its own full cache, so loops are separate tasks.
        ModelConfig config = config(3, LoopMode.PARALLEL, false, true, 3);
        CapturingGpu gpu = new CapturingGpu();
        DeviceSequence seq = sequence(gpu, config, 5);
        PassLayout rows = new PassLayout(3);
        for (int loop = 0; loop < 3; loop++) {
            rows.set(loop, seq, loop, 5, 1, loop == 0 ? 0 : seq.carry(loop - 1));
        }
        PassTables t = PassTables.build(rows, config);
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
        PassLayout rows = new PassLayout(3);
        for (int j = 0; j < 3; j++) {
            rows.set(j, seq, 0, j, 40 + j, 0);
        }
        PassTables t = PassTables.build(rows, config);
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
