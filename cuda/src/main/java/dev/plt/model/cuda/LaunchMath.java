package dev.plt.model.cuda;

/**
 * Block sizes and shared-memory sizes of the launches, in one place so they can be checked without a
 * device. Blocks are a multiple of 32 threads (warp shuffles need whole warps) and small for small
 * work, so a tiny test model launches tiny blocks.
 */
final class LaunchMath {
    static final int WARP = 32;
    static final int MAX_THREADS = 256;
    /** Grid-stride kernels never need more blocks than this to keep an H200's 132 SMs busy. */
    static final int MAX_GRID_STRIDE_BLOCKS = 1024;
    /** Queries (rows x heads of one KV head) one attention block serves: bounds its registers and loops. */
    static final int ATTEND_MAX_QUERIES = 32;
    /** Keys per attention tile: one warp lane per key in the online-softmax step. */
    static final int ATTEND_MAX_TILE = 32;
    /**
     * Dynamic shared memory an attention block may use. Hopper lets a block opt into 227 KB
     * (DriverGpu raises the limit at load); staying well under leaves room for 2 blocks per SM.
     */
    static final int ATTEND_SHARED_BUDGET = 96 * 1024;

    private LaunchMath() {
    }

    /** Threads for a block whose threads stride over {@code work} items. */
    static int threadsFor(long work) {
        long rounded = (Math.max(1, work) + WARP - 1) / WARP * WARP;
        return (int) Math.min(MAX_THREADS, rounded);
    }

    /** Blocks for a grid-stride loop over {@code count} items with {@code threads} per block. */
    static int gridStrideBlocks(long count, int threads) {
        if (count <= 0) {
            return 0;
        }
        return (int) Math.min(MAX_GRID_STRIDE_BLOCKS, (count + threads - 1) / threads);
    }

    /** Bytes of plt_attend_cache's dynamic shared memory (layout in attention.cuh). */
    static long attendSharedBytes(int queries, int tile, int headDim) {
        long floats = 2L * queries * headDim + 2L * tile * headDim + (long) queries * tile + 3L * queries;
        return floats * Float.BYTES;
    }

    /**
     * Rows one attention task may hold: as many as keep {@code rows x group} queries within
     * {@link #ATTEND_MAX_QUERIES} and the shared-memory budget (with the smallest tile), at least 1.
     * A CLP decode step of L rows per sequence fits in one task whenever L x group <= 32.
     */
    static int attendRowsPerTask(int group, int headDim) {
        int rows = Math.max(1, ATTEND_MAX_QUERIES / group);
        while (rows > 1 && attendSharedBytes(rows * group, 1, headDim) > ATTEND_SHARED_BUDGET) {
            rows--;
        }
        return rows;
    }

    /** The largest tile (<= 32 keys) whose shared memory fits the budget for {@code queries} queries. */
    static int attendTile(int queries, int headDim) {
        int tile = ATTEND_MAX_TILE;
        while (tile > 1 && attendSharedBytes(queries, tile, headDim) > ATTEND_SHARED_BUDGET) {
            tile /= 2;
        }
        return tile;
    }

    static int attendThreads(int queries, int tile, int headDim) {
        return threadsFor(Math.max((long) queries * tile, (long) queries * headDim));
    }

    /** plt_window_mix keeps the w + 1 scores of one (row, head). */
    static int windowSharedBytes(int window) {
        return (window + 1) * Float.BYTES;
    }

    /** plt_gate_hidden keeps one normed residual row. */
    static int gateHiddenSharedBytes(int hiddenSize) {
        return hiddenSize * Float.BYTES;
    }
}
