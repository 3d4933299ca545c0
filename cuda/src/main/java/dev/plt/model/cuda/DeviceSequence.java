package dev.plt.model.cuda;

import dev.plt.model.config.LoopAttention;
import dev.plt.model.config.LoopMode;
import dev.plt.model.config.ModelConfig;

/**
 * What one sequence keeps on the device between passes, laid out by KV sharing exactly like the CPU's
 * {@code SequenceState} (plt-spec section 4):
 * <ul>
 *   <li>a full cache for loop 1 and for every loop that keeps its own (serial, CLP-only): keys and values
 *       each one allocation {@code [layer][capacity][kvDim]} f32, grown by doubling;</li>
 *   <li>a ring of w + 1 slots per layer for each G-SWA loop, {@code [layer][slots][kvDim]};</li>
 *   <li>in PLT mode the carries {@code h^l} of the last position, {@code [L-1][d]} f32, zero at the start
 *       (plt-spec section 3: the first position gets a zero carry).</li>
 * </ul>
 * K/V stay f32 as on the CPU, so {@link #kvBytes()} matches {@code KvFootprint}.
 */
final class DeviceSequence {
    static final int INITIAL_POSITIONS = 64;

    private final Gpu gpu;
    private final ModelConfig config;
    private final DeviceAllocations allocations;
    private final long[] fullKeys;    // [loop] base, 0 where the loop shares loop 1's cache
    private final long[] fullValues;
    private final long[] ringKeys;    // [loop] base, 0 unless the loop uses G-SWA
    private final long[] ringValues;
    private final long carries;       // 0 when no loop carries (non-loop, serial)
    private int capacity;
    private int length;

    DeviceSequence(Gpu gpu, ModelConfig config, DeviceAllocations allocations) {
        this(gpu, config, allocations, INITIAL_POSITIONS);
        long slotBytes = ringBytesPerLoop();
        for (int loop = 0; loop < config.numLoops(); loop++) {
            if (ringKeys[loop] != 0) {
                gpu.zero(ringKeys[loop], slotBytes);
                gpu.zero(ringValues[loop], slotBytes);
            }
        }
        if (carries != 0) {
            gpu.zero(carries, carryBytes());
        }
    }

    private DeviceSequence(Gpu gpu, ModelConfig config, DeviceAllocations allocations, int capacity) {
        this.gpu = gpu;
        this.config = config;
        this.allocations = allocations;
        this.capacity = capacity;
        int loops = config.numLoops();
        fullKeys = new long[loops];
        fullValues = new long[loops];
        ringKeys = new long[loops];
        ringValues = new long[loops];
        for (int loop = 0; loop < loops; loop++) {
            LoopAttention attention = config.attentionOf(loop);
            if (attention == LoopAttention.OWN_FULL_CACHE) {
                fullKeys[loop] = allocate(fullBytes(capacity));
                fullValues[loop] = allocate(fullBytes(capacity));
            } else if (attention == LoopAttention.SHARED_PLUS_WINDOW) {
                ringKeys[loop] = allocate(ringBytesPerLoop());
                ringValues[loop] = allocate(ringBytesPerLoop());
            }
        }
        carries = carriedLoops() > 0 ? allocate(carryBytes()) : 0;
    }

    /** A deep copy on the device, so a shared context can be prefilled once and branched. */
    DeviceSequence fork(DeviceAllocations forkAllocations) {
        DeviceSequence copy = new DeviceSequence(gpu, config, forkAllocations, capacity);
        for (int loop = 0; loop < config.numLoops(); loop++) {
            if (fullKeys[loop] != 0) {
                gpu.copy(copy.fullKeys[loop], fullKeys[loop], fullBytes(capacity));
                gpu.copy(copy.fullValues[loop], fullValues[loop], fullBytes(capacity));
            }
            if (ringKeys[loop] != 0) {
                gpu.copy(copy.ringKeys[loop], ringKeys[loop], ringBytesPerLoop());
                gpu.copy(copy.ringValues[loop], ringValues[loop], ringBytesPerLoop());
            }
        }
        if (carries != 0) {
            gpu.copy(copy.carries, carries, carryBytes());
        }
        copy.length = length;
        return copy;
    }

    int length() {
        return length;
    }

    void advance(int tokens) {
        length += tokens;
    }

    int capacity() {
        return capacity;
    }

    /** Grows every full cache to hold {@code positions} positions (doubling), keeping what is stored. */
    void ensureCapacity(int positions) {
        if (positions <= capacity) {
            return;
        }
        int grown = Math.max(positions, 2 * capacity);
        long rowBytes = rowBytes();
        long stored = length * rowBytes;
        for (int loop = 0; loop < config.numLoops(); loop++) {
            if (fullKeys[loop] == 0) {
                continue;
            }
            long keys = allocate(fullBytes(grown));
            long values = allocate(fullBytes(grown));
            for (int layer = 0; layer < config.numLayers() && stored > 0; layer++) {
                long from = (long) layer * capacity * rowBytes;
                long to = (long) layer * grown * rowBytes;
                gpu.copy(keys + to, fullKeys[loop] + from, stored);
                gpu.copy(values + to, fullValues[loop] + from, stored);
            }
            release(fullKeys[loop]);
            release(fullValues[loop]);
            fullKeys[loop] = keys;
            fullValues[loop] = values;
        }
        capacity = grown;
    }

    boolean hasOwnFullCache(int loop) {
        return fullKeys[loop] != 0;
    }

    /** Layer {@code layer} of the full cache loop {@code loop} reads: its own, or loop 1's when it shares. */
    long fullKeys(int loop, int layer) {
        return fullBase(fullKeys, loop) + (long) layer * capacity * rowBytes();
    }

    long fullValues(int loop, int layer) {
        return fullBase(fullValues, loop) + (long) layer * capacity * rowBytes();
    }

    /** The loop whose full cache loop {@code loop} attends to. */
    int cacheOwner(int loop) {
        return fullKeys[loop] != 0 ? loop : 0;
    }

    private static long fullBase(long[] bases, int loop) {
        return bases[loop] != 0 ? bases[loop] : bases[0];
    }

    long ringKeys(int loop, int layer) {
        return ringBase(ringKeys, loop) + (long) layer * slots() * rowBytes();
    }

    long ringValues(int loop, int layer) {
        return ringBase(ringValues, loop) + (long) layer * slots() * rowBytes();
    }

    private static long ringBase(long[] bases, int loop) {
        if (bases[loop] == 0) {
            throw new IllegalStateException("loop " + loop + " keeps no ring buffer");
        }
        return bases[loop];
    }

    /** The carried h^{loop} that loop {@code loop + 1} consumes at the next position (d floats). */
    long carry(int loop) {
        if (carries == 0 || loop >= carriedLoops()) {
            throw new IllegalStateException("no carry for loop " + loop);
        }
        return carries + (long) loop * config.hiddenSize() * Float.BYTES;
    }

    int slots() {
        return config.windowSize() + 1;
    }

    /** KV bytes held now, counted as the CPU counts them: stored positions plus every ring's w + 1 slots. */
    long kvBytes() {
        long bytes = 0;
        for (int loop = 0; loop < config.numLoops(); loop++) {
            if (fullKeys[loop] != 0) {
                bytes += 2L * length * rowBytes() * config.numLayers();
            }
            if (ringKeys[loop] != 0) {
                bytes += 2L * ringBytesPerLoop();
            }
        }
        return bytes;
    }

    private int carriedLoops() {
        return config.loopMode() == LoopMode.PARALLEL ? config.numLoops() - 1 : 0;
    }

    private long rowBytes() {
        return (long) config.kvDim() * Float.BYTES;
    }

    private long fullBytes(int positions) {
        return (long) config.numLayers() * positions * rowBytes();
    }

    private long ringBytesPerLoop() {
        return (long) config.numLayers() * slots() * rowBytes();
    }

    private long carryBytes() {
        return (long) carriedLoops() * config.hiddenSize() * Float.BYTES;
    }

    private long allocate(long bytes) {
        long address = gpu.allocate(bytes);
        allocations.add(address);
        return address;
    }

    private void release(long address) {
        allocations.remove(address);
        gpu.free(address);
    }
}
