package dev.plt.model.loop;

import java.util.Arrays;

/**
 * One layer's keys and values for every position so far, row-major {@code [position][kvDim]}, grown
 * by doubling. Loop 1 always has one per layer; other loops only when they do not share KV
 * (serial mode, or {@code plt_kv_share = false}).
 */
public final class FullKvCache {
    private final int kvDim;
    private float[] keys;
    private float[] values;
    private int length;

    public FullKvCache(int kvDim, int initialPositions) {
        this.kvDim = kvDim;
        int capacity = Math.max(1, initialPositions) * kvDim;
        this.keys = new float[capacity];
        this.values = new float[capacity];
    }

    private FullKvCache(FullKvCache other) {
        this.kvDim = other.kvDim;
        this.keys = Arrays.copyOf(other.keys, Math.max(kvDim, other.length * kvDim));
        this.values = Arrays.copyOf(other.values, keys.length);
        this.length = other.length;
    }

    /** Stores K/V of {@code position}; positions arrive in order, each once. */
    public void put(int position, float[] k, int kOff, float[] v, int vOff) {
        if (position != length) {
            throw new IllegalStateException("KV cache expects position " + length + ", got " + position);
        }
        int needed = (position + 1) * kvDim;
        if (needed > keys.length) {
            int grown = Math.max(needed, keys.length * 2);
            keys = Arrays.copyOf(keys, grown);
            values = Arrays.copyOf(values, grown);
        }
        System.arraycopy(k, kOff, keys, position * kvDim, kvDim);
        System.arraycopy(v, vOff, values, position * kvDim, kvDim);
        length = position + 1;
    }

    /** Keys, {@code [position][kvDim]}; valid up to {@link #length()}. */
    public float[] keys() {
        return keys;
    }

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
