package dev.plt.model.cuda;

import java.util.Arrays;

/**
 * A kernel's arguments in the order of its parameters, each kept as 64 raw bits with its type. The
 * types are the three a kernel of this backend takes, with the codes the replay harness and the PTX
 * check use: device pointers ({@code .u64}), {@code int} ({@code .u32}) and {@code float} ({@code .f32}).
 */
public final class KernelArgs {
    /** More than the longest parameter list (plt_window_mix has 18). */
    public static final int MAX_ARGS = 24;

    /** Parameter types; the ordinal is the code written to operation logs. */
    public enum Type {
        POINTER, INT, FLOAT
    }

    private final long[] raw = new long[MAX_ARGS];
    private final Type[] types = new Type[MAX_ARGS];
    private int count;

    public KernelArgs pointer(long address) {
        return add(Type.POINTER, address);
    }

    public KernelArgs int32(int value) {
        return add(Type.INT, value & 0xFFFF_FFFFL);
    }

    public KernelArgs float32(float value) {
        return add(Type.FLOAT, Float.floatToRawIntBits(value) & 0xFFFF_FFFFL);
    }

    private KernelArgs add(Type type, long bits) {
        if (count == MAX_ARGS) {
            throw new IllegalStateException("more than " + MAX_ARGS + " kernel arguments");
        }
        types[count] = type;
        raw[count++] = bits;
        return this;
    }

    public int count() {
        return count;
    }

    /** The argument's bits as the kernel reads them (an int or float in the low 32 bits). */
    public long raw(int i) {
        return raw[i];
    }

    public Type type(int i) {
        return types[i];
    }

    public Type[] types() {
        return Arrays.copyOf(types, count);
    }
}
