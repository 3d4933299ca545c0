package dev.plt.model.io.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plt.model.io.Float16;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Q8_0 against a plain reference written from the format description, on random and edge-case blocks. */
class GgufQ8ZeroTest {
    @Test
    void matchesTheScalarReferenceOnRandomRows() {
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 200; trial++) {
            int blocks = 1 + random.nextInt(8);
            float[] row = new float[blocks * 32];
            double scale = Math.pow(10, random.nextInt(-4, 3));
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) (random.nextGaussian() * scale);
            }
            if (trial % 5 == 0) {
                java.util.Arrays.fill(row, 0, 32, 0f); // an all-zero block: scale 0, every byte 0
            }
            assertArrayEquals(reference(row), encode(row), "trial " + trial);
        }
    }

    @Test
    void roundsHalvesAwayFromZeroAsRoundfDoes() {
        float[] block = new float[32];
        block[0] = 127f;           // d = 1, so each value is its own quantised byte before rounding
        block[1] = 0.5f;
        block[2] = -0.5f;
        block[3] = 2.5f;
        block[4] = -2.5f;
        block[5] = 0.49999997f;    // just below a half: 0, where float arithmetic x + 0.5f would give 1
        byte[] bytes = encode(block);
        assertEquals(Float16.fromFloat(1f), ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getShort());
        assertEquals(127, bytes[2]);
        assertEquals(1, bytes[3]);
        assertEquals(-1, bytes[4]);
        assertEquals(3, bytes[5]);
        assertEquals(-3, bytes[6]);
        assertEquals(0, bytes[7]);
        assertEquals(3f, roundTrip(block, 3)); // dequantised: the stored byte times the scale
    }

    @Test
    void dequantisedValuesAreWithinHalfAStepOfTheInput() {
        SplittableRandom random = new SplittableRandom(11);
        float[] block = new float[32];
        for (int i = 0; i < 32; i++) {
            block[i] = (float) random.nextGaussian();
        }
        ByteBuffer b = ByteBuffer.wrap(encode(block)).order(ByteOrder.LITTLE_ENDIAN);
        short scale = b.getShort();
        float d = Float16.toFloat(scale);
        for (int i = 0; i < 32; i++) {
            float back = Q8Zero.dequantize(scale, b.get());
            // half a step from rounding, plus the f16 rounding of the scale (relative 2^-11) times 127 steps
            assertTrue(Math.abs(back - block[i]) <= d * 0.5 + 127 * d * 0x1p-11 + 1e-7, i + ": " + back + " vs " + block[i]);
        }
    }

    private static float roundTrip(float[] block, int index) {
        ByteBuffer b = ByteBuffer.wrap(encode(block)).order(ByteOrder.LITTLE_ENDIAN);
        short scale = b.getShort();
        return Q8Zero.dequantize(scale, b.get(2 + index));
    }

    private static byte[] encode(float[] row) {
        ByteBuffer out = ByteBuffer.allocate(row.length / 32 * 34).order(ByteOrder.LITTLE_ENDIAN);
        GgmlType.Q8_0.encode(row, 0, row.length, out);
        return out.array();
    }

    /** The format, one element at a time: d = amax / 127 (f32), q = roundf(x * (1/d)), d stored as f16. */
    private static byte[] reference(float[] row) {
        ByteBuffer out = ByteBuffer.allocate(row.length / 32 * 34).order(ByteOrder.LITTLE_ENDIAN);
        for (int b = 0; b < row.length; b += 32) {
            float amax = 0;
            for (int i = 0; i < 32; i++) {
                amax = Math.max(amax, Math.abs(row[b + i]));
            }
            float d = amax / 127f;
            float id = d == 0 ? 0f : 1f / d;
            out.putShort(Float16.fromFloat(d));
            for (int i = 0; i < 32; i++) {
                float x = row[b + i] * id;
                out.put(new BigDecimal(x).setScale(0, RoundingMode.HALF_UP).byteValueExact());
            }
        }
        return out.array();
    }
}
