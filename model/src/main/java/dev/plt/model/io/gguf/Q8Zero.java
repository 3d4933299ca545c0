package dev.plt.model.io.gguf;

import dev.plt.model.io.Float16;
import java.nio.ByteBuffer;

/**
 * ggml's Q8_0 quantisation, from the GGUF format description: blocks of 32 consecutive values of a row, each
 * stored as one f16 scale {@code d = max|x| / 127} followed by 32 signed bytes {@code q = round(x / d)}, so
 * {@code x ~ d * q}. The scale's reciprocal is taken from the f32 scale before it is rounded to f16, and
 * {@code round} goes half away from zero, as C's {@code roundf} does (llama.cpp's reference quantiser), so the
 * bytes match what llama-quantize would write for the same f32 values.
 */
public final class Q8Zero {
    public static final int BLOCK = 32;
    public static final int BLOCK_BYTES = 2 + BLOCK;

    private Q8Zero() {
    }

    /** Appends one block: {@code x[offset .. offset + 32)} as its f16 scale and 32 quantised bytes. */
    public static void quantizeBlock(float[] x, int offset, ByteBuffer out) {
        float amax = 0;
        for (int i = 0; i < BLOCK; i++) {
            amax = Math.max(amax, Math.abs(x[offset + i]));
        }
        float d = amax / 127f;
        float inverse = d != 0 ? 1f / d : 0f;
        out.putShort(Float16.fromFloat(d));
        for (int i = 0; i < BLOCK; i++) {
            out.put((byte) roundHalfAway(x[offset + i] * inverse));
        }
    }

    /** The value a stored block gives back at index {@code i}: f16 scale times the byte. */
    public static float dequantize(short scaleBits, byte q) {
        return Float16.toFloat(scaleBits) * q;
    }

    /** C's roundf: in double, where {@code v + 0.5} is exact for every float (0.49999997f stays below 1). */
    static int roundHalfAway(float v) {
        double magnitude = Math.floor(Math.abs((double) v) + 0.5);
        return (int) (v < 0 ? -magnitude : magnitude);
    }
}
