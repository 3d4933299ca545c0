package dev.plt.model.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.plt.model.kernels.Kernels;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The key-block layout of the full cache: where each key lands, growth past the first blocks, copies. */
class FullKvCacheTest {
    private static final int KV_DIM = 6;

    @Test
    void keysLandInKeyBlocksAndValuesInRows() {
        FullKvCache cache = new FullKvCache(KV_DIM, 1); // grows by doubling, across several key blocks
        Random random = new Random(1);
        int positions = 3 * Kernels.KEY_BLOCK + 5;
        float[][] k = new float[positions][KV_DIM];
        float[][] v = new float[positions][KV_DIM];
        for (int p = 0; p < positions; p++) {
            for (int c = 0; c < KV_DIM; c++) {
                k[p][c] = random.nextFloat();
                v[p][c] = random.nextFloat();
            }
            cache.put(p, k[p], 0, v[p], 0);
        }
        assertEquals(positions, cache.length());
        assertEquals(2L * Float.BYTES * positions * KV_DIM, cache.bytes(), "bytes count positions, not padding");
        FullKvCache copy = cache.copy();
        for (FullKvCache c : new FullKvCache[] {cache, copy}) {
            for (int p = 0; p < positions; p++) {
                for (int d = 0; d < KV_DIM; d++) {
                    int block = p / Kernels.KEY_BLOCK;
                    int expectedOffset = block * c.keyBlockStride() + d * Kernels.KEY_BLOCK + p % Kernels.KEY_BLOCK;
                    assertEquals(expectedOffset, c.keyOffset(p, d));
                    assertEquals(k[p][d], c.keys()[c.keyOffset(p, d)], "key of position " + p + " dim " + d);
                    assertEquals(v[p][d], c.values()[p * KV_DIM + d], "value of position " + p + " dim " + d);
                }
            }
        }
        // the copy is independent of the original
        copy.put(positions, new float[KV_DIM], 0, new float[KV_DIM], 0);
        assertEquals(positions, cache.length());
        assertEquals(positions + 1, copy.length());
    }

    @Test
    void positionsMustArriveInOrder() {
        FullKvCache cache = new FullKvCache(KV_DIM, 4);
        cache.put(0, new float[KV_DIM], 0, new float[KV_DIM], 0);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> cache.put(2, new float[KV_DIM], 0, new float[KV_DIM], 0));
        assertEquals("KV cache expects position 1, got 2", e.getMessage());
    }
}
