package dev.plt.model.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LaunchMathTest {
    @Test
    void threadsAreWholeWarpsBetween32And256() {
        assertEquals(32, LaunchMath.threadsFor(0));
        assertEquals(32, LaunchMath.threadsFor(1));
        assertEquals(64, LaunchMath.threadsFor(33));
        assertEquals(256, LaunchMath.threadsFor(4096));
        assertEquals(0, LaunchMath.gridStrideBlocks(0, 256));
        assertEquals(1, LaunchMath.gridStrideBlocks(256, 256));
        assertEquals(LaunchMath.MAX_GRID_STRIDE_BLOCKS, LaunchMath.gridStrideBlocks(1L << 40, 256));
    }

    @Test
    void attentionSharedMemoryMatchesTheKernelsLayout() {
        // attention.cuh: q[Q][hd], acc[Q][hd], k[T][hd], v[T][hd], p[Q][T], max[Q], sum[Q], rescale[Q].
        int q = 8;
        int t = 32;
        int hd = 64;
        assertEquals(4L * (q * hd * 2 + t * hd * 2 + q * t + 3 * q), LaunchMath.attendSharedBytes(q, t, hd));
    }

    @Test
    void aClpDecodeStepReadsTheSharedCacheOnceForTypicalShapes() {
        // L rows of one sequence at one position fit one task whenever L x group <= 32.
        int[][] shapes = {{64, 4, 2}, {64, 4, 3}, {128, 8, 2}, {128, 8, 4}, {128, 4, 4}, {256, 8, 2}, {128, 16, 2}};
        for (int[] s : shapes) {
            int headDim = s[0];
            int group = s[1];
            int loops = s[2];
            int rowsPerTask = LaunchMath.attendRowsPerTask(group, headDim);
            assertTrue(rowsPerTask >= loops, "head_dim " + headDim + ", group " + group + ": " + rowsPerTask);
            int queries = rowsPerTask * group;
            int tile = LaunchMath.attendTile(queries, headDim);
            assertTrue(tile >= 1 && tile <= 32);
            assertTrue(LaunchMath.attendSharedBytes(queries, tile, headDim) <= LaunchMath.ATTEND_SHARED_BUDGET);
            int threads = LaunchMath.attendThreads(queries, tile, headDim);
            assertEquals(0, threads % 32);
        }
    }

    @Test
    void evenHugeGroupsGetAtLeastOneRowPerTask() {
        assertEquals(1, LaunchMath.attendRowsPerTask(64, 128));
        assertTrue(LaunchMath.attendTile(64, 128) >= 1);
    }

    @Test
    void windowAndGateSharedMemory() {
        assertEquals(65 * 4, LaunchMath.windowSharedBytes(64));
        assertEquals(4 * 4096, LaunchMath.gateHiddenSharedBytes(4096));
    }
}
