package dev.plt.trainer.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.plt.model.config.ModelConfig;

/**
 * The peer's KV caches for a batch of B sequences of equal length, preallocated once and written in
 * place (like Hugging Face's static cache), so a decode step copies only the new K/V and never the
 * whole cache. Keys are stored after RoPE.
 * <ul>
 *   <li>Loop 1, per layer: {@code [B, H_kv, capacity, d_h]}, positions 0..capacity-1. Under KV sharing
 *       every loop attends to these.</li>
 *   <li>G-SWA loops 2..L, per layer: a ring {@code [B, H_kv, L-1, w+1, d_h]}; position p lives in slot
 *       p mod (w+1), so after position t is written the filled slots hold exactly the window
 *       max(0, t-w)..t. Attention is order-free over its keys, so the slots need no reordering.</li>
 * </ul>
 */
final class PeerKvCache implements AutoCloseable {
    private final NDManager manager;
    private final int capacity;
    private final int slots;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final NDArray[] windowKeys;
    private final NDArray[] windowValues;

    PeerKvCache(NDManager parent, ModelConfig config, int batch, int capacity, boolean window) {
        this.manager = parent.newSubManager();
        this.capacity = capacity;
        this.slots = config.windowSize() + 1;
        int layers = config.numLayers();
        keys = new NDArray[layers];
        values = new NDArray[layers];
        windowKeys = window ? new NDArray[layers] : null;
        windowValues = window ? new NDArray[layers] : null;
        Shape full = new Shape(batch, config.numKvHeads(), capacity, config.headDim());
        Shape ring = new Shape(batch, config.numKvHeads(), config.numLoops() - 1, slots, config.headDim());
        for (int i = 0; i < layers; i++) {
            keys[i] = zeros(full);
            values[i] = zeros(full);
            if (window) {
                windowKeys[i] = zeros(ring);
                windowValues[i] = zeros(ring);
            }
        }
    }

    int capacity() {
        return capacity;
    }

    /** Loop 1's K/V {@code [B, H_kv, n, d_h]} for positions from..from+n-1. */
    void writeShared(int layer, int from, NDArray k, NDArray v) {
        long n = k.getShape().get(2);
        NDIndex at = new NDIndex(":, :, {}:{}", from, from + n);
        keys[layer].set(at, k);
        values[layer].set(at, v);
    }

    /** Views of loop 1's K/V at positions 0..length-1: {@code [B, H_kv, length, d_h]} each. */
    NDArray[] shared(int layer, int length) {
        NDIndex upTo = new NDIndex(":, :, :{}", length);
        return new NDArray[] {keys[layer].get(upTo), values[layer].get(upTo)};
    }

    /**
     * After prefilling loop {@code loop} (>= 1) over positions 0..length-1 with own K/V
     * {@code [B, H_kv, length, d_h]}: keeps the positions that later windows can still see, each in
     * its slot.
     */
    void writeWindowAfterPrefill(int layer, int loop, NDArray ownKeys, NDArray ownValues, int length) {
        int filled = Math.min(length, slots);
        long[] positionOfSlot = new long[filled];
        for (int s = 0; s < filled; s++) {
            // The newest position p < length with p mod (w+1) == s.
            positionOfSlot[s] = length - 1 - Math.floorMod(length - 1 - s, slots);
        }
        NDArray index = ownKeys.getManager().create(positionOfSlot);
        NDIndex into = new NDIndex(":, :, {}, :{}", loop - 1, filled);
        windowKeys[layer].set(into, ownKeys.get(new NDIndex(":, :, {}", index)));
        windowValues[layer].set(into, ownValues.get(new NDIndex(":, :, {}", index)));
    }

    /** A decode step's own K/V of loops 2..L {@code [B, H_kv, L-1, d_h]}, all at {@code position}. */
    void writeWindowStep(int layer, int position, NDArray k, NDArray v) {
        NDIndex slot = new NDIndex(":, :, :, {}", position % slots);
        windowKeys[layer].set(slot, k);
        windowValues[layer].set(slot, v);
    }

    /** The filled window slots once {@code position} is written: {@code [B, H_kv, L-1, n, d_h]} each. */
    NDArray[] window(int layer, int position) {
        NDIndex filled = new NDIndex(":, :, :, :{}", Math.min(position + 1, slots));
        return new NDArray[] {windowKeys[layer].get(filled), windowValues[layer].get(filled)};
    }

    @Override
    public void close() {
        manager.close();
    }

    private NDArray zeros(Shape shape) {
        NDArray array = manager.zeros(shape);
        NDScope.unregister(array);
        return array;
    }
}
