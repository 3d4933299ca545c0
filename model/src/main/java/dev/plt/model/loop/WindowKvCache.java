package dev.plt.model.loop;

/**
 * G-SWA's per-loop local cache (plt-spec section 4): a ring buffer of the last w + 1 keys and values
 * of one layer of one loop >= 2. Position p lives in slot {@code p mod (w + 1)}, so memory does not
 * grow with the sequence: this is what keeps PLT's KV close to a non-looped model's.
 */
public final class WindowKvCache {
    private final int kvDim;
    private final int slots;
    private final float[] keys;
    private final float[] values;

    public WindowKvCache(int kvDim, int windowSize) {
        this.kvDim = kvDim;
        this.slots = windowSize + 1;
        this.keys = new float[slots * kvDim];
        this.values = new float[slots * kvDim];
    }

    private WindowKvCache(WindowKvCache other) {
        this.kvDim = other.kvDim;
        this.slots = other.slots;
        this.keys = other.keys.clone();
        this.values = other.values.clone();
    }

    public void put(int position, float[] k, int kOff, float[] v, int vOff) {
        int base = offsetOf(position);
        System.arraycopy(k, kOff, keys, base, kvDim);
        System.arraycopy(v, vOff, values, base, kvDim);
    }

    /** Offset of {@code position}'s row in {@link #keys()} / {@link #values()}. */
    public int offsetOf(int position) {
        return (position % slots) * kvDim;
    }

    public float[] keys() {
        return keys;
    }

    public float[] values() {
        return values;
    }

    /** Bytes of the w + 1 slots (f32), allocated whatever the sequence length, as the spec counts them. */
    public long bytes() {
        return 2L * Float.BYTES * slots * kvDim;
    }

    public WindowKvCache copy() {
        return new WindowKvCache(this);
    }
}
