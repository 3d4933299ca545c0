package dev.plt.model.cuda;

import java.nio.ByteBuffer;

/**
 * RoPE's cos and sin per position on the device, {@code [position][d_h/2]} f32 each, computed on the host
 * in double precision exactly as the CPU engine's {@code RotaryEmbedding} does
 * ({@code angle = position * theta^(-2i/d_h)}), so both paths rotate by the same floats. Grown by
 * doubling as sequences get longer; the device never evaluates a trigonometric function.
 */
final class RopeTable implements AutoCloseable {
    private final Gpu gpu;
    private final int half;
    private final double[] inverseFrequency;
    private int positions;
    private long cos;
    private long sin;

    RopeTable(Gpu gpu, int headDim, double theta) {
        this.gpu = gpu;
        this.half = headDim / 2;
        this.inverseFrequency = inverseFrequencies(headDim, theta);
    }

    static double[] inverseFrequencies(int headDim, double theta) {
        double[] inv = new double[headDim / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = Math.pow(theta, -2.0 * i / headDim);
        }
        return inv;
    }

    /** cos (or sin) of every position below {@code count}, {@code [position][d_h/2]}. */
    static float[] table(double[] inverseFrequency, int count, boolean sine) {
        int half = inverseFrequency.length;
        float[] out = new float[count * half];
        for (int p = 0; p < count; p++) {
            for (int i = 0; i < half; i++) {
                double angle = p * inverseFrequency[i];
                out[p * half + i] = (float) (sine ? Math.sin(angle) : Math.cos(angle));
            }
        }
        return out;
    }

    /** Makes positions {@code 0 .. needed - 1} available. */
    void ensurePositions(int needed) {
        if (needed <= positions) {
            return;
        }
        int grown = Math.max(needed, Math.max(256, 2 * positions));
        long bytes = 4L * grown * half;
        long newCos = gpu.allocate(bytes);
        long newSin = gpu.allocate(bytes);
        upload(newCos, table(inverseFrequency, grown, false));
        upload(newSin, table(inverseFrequency, grown, true));
        free();
        cos = newCos;
        sin = newSin;
        positions = grown;
    }

    private void upload(long address, float[] values) {
        ByteBuffer b = HostBuffers.floats(values);
        gpu.upload(address, b);
    }

    long cos() {
        return cos;
    }

    long sin() {
        return sin;
    }

    private void free() {
        if (cos != 0) {
            gpu.free(cos);
            gpu.free(sin);
        }
    }

    @Override
    public void close() {
        free();
        cos = 0;
        sin = 0;
        positions = 0;
    }
}
