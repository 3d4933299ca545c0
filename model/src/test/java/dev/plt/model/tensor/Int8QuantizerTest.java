package dev.plt.model.tensor;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Int8QuantizerTest {
    @Test
    void everyWeightIsWithinHalfAStepAndEachBlocksLargestIsExactlyPlusOrMinus127() {
        Random random = new Random(5);
        int rows = 7;
        int cols = 96;
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(5) - 2));
        }
        Int8Matrix q = Int8Quantizer.quantize(new F32Matrix(w, rows, cols));
        assertEquals(rows * cols / Int8Matrix.BLOCK, q.scales().length);
        assertEquals((long) rows * cols + 4L * q.scales().length, q.byteSize());
        for (int block = 0; block < q.scales().length; block++) {
            float max = 0f;
            for (int i = block * Int8Matrix.BLOCK; i < (block + 1) * Int8Matrix.BLOCK; i++) {
                max = Math.max(max, Math.abs(w[i]));
            }
            boolean extreme = false;
            for (int i = block * Int8Matrix.BLOCK; i < (block + 1) * Int8Matrix.BLOCK; i++) {
                float back = q.get(i / cols, i % cols);
                float step = q.scales()[block];
                assertTrue(Math.abs(back - w[i]) <= 0.5f * step * (1 + 1e-5f),
                        "weight " + i + ": " + w[i] + " came back as " + back + ", step " + step);
                assertEquals(Math.signum(w[i]) * Math.signum(back) >= 0, true, "sign of weight " + i);
                extreme |= Math.abs(q.data()[i]) == 127;
            }
            assertTrue(extreme, "block " + block + " has no +-127");
            assertEquals(max / 127f, q.scales()[block], "scale of block " + block);
        }
    }

    @Test
    void aZeroBlockHasScaleZeroAndDequantizesToZero() {
        float[] w = new float[64];
        w[40] = -3f;
        Int8Matrix q = Int8Quantizer.quantize(new F32Matrix(w, 1, 64));
        assertEquals(0f, q.scales()[0]);
        assertEquals(0f, q.get(0, 5));
        assertEquals(-127, q.data()[40]);
        assertEquals(-3f, q.get(0, 40));
    }

    @Test
    void columnsThatAreNotWholeBlocksAreRefusedWithOneLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Int8Quantizer.quantize(new F32Matrix(new float[3 * 40], 3, 40)));
        assertEquals("int8 weights need a multiple of 32 input features, this matrix has 40", e.getMessage());
    }
}
