package dev.plt.model.loop;

import dev.plt.model.kernels.Kernels;
import java.util.Arrays;

/**
 * One layer's keys and values for every position so far, grown by doubling. Loop 1 always has one per
 * layer; other loops only when they do not share KV (serial mode, or {@code plt_kv_share = false}).
 *
 * <p>Values are row-major, {@code [position][kvDim]}. Keys are stored transposed in key blocks of
 * {@link Kernels#KEY_BLOCK} positions, {@code [block][kvDim][KEY_BLOCK]}: one vector load then holds one
 * dimension of consecutive keys, which is what {@link Kernels#attentionScores} reads. Writing a key is a
 * strided copy, once per position; reading the keys, once per query per step, is what has to be fast.
 */
public final class FullKvCache {
    private final int kvDim;
    private float[] keys;
    private float[] values;
    private int length;

    public FullKvCache(int kvDim, int initialPositions) {
        this.kvDim = kvDim;
        int blocks = blocksFor(Math.max(1, initialPositions));
        this.keys = new float[blocks * Kernels.KEY_BLOCK * kvDim];
        this.values = new float[blocks * Kernels.KEY_BLOCK * kvDim];
    }

    private FullKvCache(FullKvCache other) {
        this.kvDim = other.kvDim;
        int capacity = blocksFor(Math.max(1, other.length)) * Kernels.KEY_BLOCK * kvDim;
        this.keys = Arrays.copyOf(other.keys, capacity);
        this.values = Arrays.copyOf(other.values, capacity);
        this.length = other.length;
    }

    private static int blocksFor(int positions) {
        return (positions + Kernels.KEY_BLOCK - 1) / Kernels.KEY_BLOCK;
    }

    /** Stores K/V of {@code position}; positions arrive in order, each once. */
    public void put(int position, float[] k, int kOff, float[] v, int vOff) {
        if (position != length) {
            throw new IllegalStateException("KV cache expects position " + length + ", got " + position);
        }
        int needed = blocksFor(position + 1) * Kernels.KEY_BLOCK * kvDim;
        if (needed > keys.length) {
            int grown = Math.max(needed, keys.length * 2);
            keys = Arrays.copyOf(keys, grown);
            values = Arrays.copyOf(values, grown);
        }
        int lane = keyOffset(position, 0);
        for (int c = 0; c < kvDim; c++) {
            keys[lane + c * Kernels.KEY_BLOCK] = k[kOff + c];
        }
        System.arraycopy(v, vOff, values, position * kvDim, kvDim);
        length = position + 1;
    }

    /** Keys in key blocks (see class comment); valid up to {@link #length()}. */
    public float[] keys() {
        return keys;
    }

    /** Where dimension {@code c} (of kvDim) of the key at {@code position} is in {@link #keys()}. */
    public int keyOffset(int position, int c) {
        int block = position / Kernels.KEY_BLOCK;
        return (block * kvDim + c) * Kernels.KEY_BLOCK + position % Kernels.KEY_BLOCK;
    }

    /** Distance in {@link #keys()} between one key block and the next. */
    public int keyBlockStride() {
        return kvDim * Kernels.KEY_BLOCK;
    }

    /** Values, {@code [position][kvDim]}; valid up to {@link #length()}. */
    public float[] values() {
        return values;
    }

    public int length() {
        return length;
    }

    /** Bytes of K and V held for the positions stored (f32). */
    public long bytes() {
        return 2L * Float.BYTES * length * kvDim;
    }

    public FullKvCache copy() {
        return new FullKvCache(this);
    }
}
