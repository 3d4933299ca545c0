package dev.plt.model.kernels;

import dev.plt.model.kernels.pool.EnginePool;
import dev.plt.model.tensor.Matrix;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import jdk.incubator.vector.VectorSpecies;

/**
 * The batch-invariance contract of {@link Kernels#matmul}: row r of a batch is bitwise the same as row r
 * computed alone, whatever the batch size, the tile that computed it, the path (mat-vec tiles or the
 * packed GEMM) and the pool's split of the work, and it stays the same once the JIT has compiled the kernels.
 */
class BatchInvarianceTest {
    /** 7 rows = one 4-row tile + 3 leftover rows; 37 outputs = 4x4 tiles + 1 leftover weight row. */
    private static final int ROWS = 7;
    private static final int OUT_FEATURES = 37;
    /** Not a multiple of any vector width: every dot product has a scalar tail. */
    private static final int COLS = 259;

    static List<Arguments> backends() {
        List<Arguments> cases = new ArrayList<>();
        for (String backend : new String[] {"scalar", "vector-128", "vector-256", "vector-512"}) {
            for (int threads : new int[] {1, 2}) {
                for (boolean bf16 : new boolean[] {false, true}) {
                    cases.add(Arguments.of(backend, threads, bf16));
                }
            }
        }
        return cases;
    }

    private static Kernels kernels(String backend, EnginePool pool) {
        return backend.equals("scalar") ? new ScalarKernels(pool)
                : new VectorKernels(pool, VectorKernels.speciesOfBits(Integer.parseInt(backend.substring(7))));
    }

    @ParameterizedTest(name = "{0} threads={1} bf16={2}")
    @MethodSource("backends")
    void rowOfABatchEqualsTheRowAlone(String backend, int threads, boolean bf16) {
        Random random = new Random(backend.hashCode() + threads);
        Matrix w = TestData.randomMatrix(random, bf16, OUT_FEATURES, COLS);
        float[] x = TestData.randomFloats(random, ROWS * COLS);
        try (EnginePool pool = new EnginePool(threads); EnginePool onePool = new EnginePool(1)) {
            Kernels k = kernels(backend, pool);
            Kernels alone = kernels(backend, onePool);
            float[] batch = new float[ROWS * OUT_FEATURES];
            k.matmul(w, x, ROWS, batch);
            for (int r = 0; r < ROWS; r++) {
                float[] row = new float[COLS];
                System.arraycopy(x, r * COLS, row, 0, COLS);
                float[] single = new float[OUT_FEATURES];
                alone.matmul(w, row, 1, single);
                assertRowSame(batch, r, single, k.name() + " row " + r + " alone");
            }
            // prefixes of the batch: every row count from 1 to 7 puts the rows in different tiles
            for (int rows = 1; rows < ROWS; rows++) {
                float[] prefix = new float[rows * OUT_FEATURES];
                k.matmul(w, x, rows, prefix);
                for (int r = 0; r < rows; r++) {
                    float[] expected = new float[OUT_FEATURES];
                    System.arraycopy(prefix, r * OUT_FEATURES, expected, 0, OUT_FEATURES);
                    assertRowSame(batch, r, expected, k.name() + " row " + r + " of " + rows);
                }
            }
        }
    }

    /**
     * From {@link VectorKernels#defaultGemmMinRows} rows on, matmul runs the packed GEMM: a row in a large batch
     * (GEMM, every tile position and padding of its 6-row strips) must equal the row alone (mat-vec tiles),
     * and the GEMM forced onto small batches must equal the mat-vec too.
     */
    @ParameterizedTest(name = "{0} threads={1} bf16={2}")
    @MethodSource("backends")
    void gemmRowsEqualTheMatVecRows(String backend, int threads, boolean bf16) {
        if (backend.equals("scalar")) {
            return; // the scalar backend has no GEMM path
        }
        VectorSpecies<Float> species = VectorKernels.speciesOfBits(Integer.parseInt(backend.substring(7)));
        int rows = VectorKernels.defaultGemmMinRows(species.vectorBitSize()) + 7;
        Random random = new Random(backend.hashCode() * 31L + threads);
        Matrix w = TestData.randomMatrix(random, bf16, OUT_FEATURES, COLS);
        float[] x = TestData.randomFloats(random, rows * COLS);
        try (EnginePool pool = new EnginePool(threads); EnginePool onePool = new EnginePool(1)) {
            Kernels batched = kernels(backend, pool);
            Kernels alone = kernels(backend, onePool);
            Kernels gemmAlways = new VectorKernels(pool, species, 1);
            float[] batch = new float[rows * OUT_FEATURES];
            batched.matmul(w, x, rows, batch);
            for (int r = 0; r < rows; r++) {
                float[] row = new float[COLS];
                System.arraycopy(x, r * COLS, row, 0, COLS);
                float[] single = new float[OUT_FEATURES];
                alone.matmul(w, row, 1, single);
                assertRowSame(batch, r, single, backend + " GEMM row " + r + " of " + rows + " vs alone");
                float[] gemmSingle = new float[OUT_FEATURES];
                gemmAlways.matmul(w, row, 1, gemmSingle);
                assertRowSame(batch, r, gemmSingle, backend + " GEMM row " + r + " vs GEMM of it alone");
            }
            for (int prefix = 1; prefix < rows; prefix += 2) {
                float[] out = new float[prefix * OUT_FEATURES];
                gemmAlways.matmul(w, x, prefix, out);
                for (int r = 0; r < prefix; r++) {
                    float[] expected = new float[OUT_FEATURES];
                    System.arraycopy(out, r * OUT_FEATURES, expected, 0, OUT_FEATURES);
                    assertRowSame(batch, r, expected, backend + " GEMM row " + r + " of " + prefix);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} threads={1} bf16={2}")
    @MethodSource("backends")
    void resultIsTheSameWhateverThePoolSplit(String backend, int threads, boolean bf16) {
        // 401 x 300 with 5 rows is large enough that the pool really splits the weight rows.
        Random random = new Random(5);
        Matrix w = TestData.randomMatrix(random, bf16, 401, 300);
        float[] x = TestData.randomFloats(random, 5 * 300);
        float[] reference = new float[5 * 401];
        kernels(backend, null).matmul(w, x, 5, reference);
        try (EnginePool pool = new EnginePool(threads)) {
            float[] out = new float[5 * 401];
            kernels(backend, pool).matmul(w, x, 5, out);
            for (int e = 0; e < out.length; e++) {
                TestData.assertSameBits(reference[e], out[e], backend + " element " + e);
            }
        }
    }

    /**
     * Results computed on the first (interpreted) calls must equal those of JIT-compiled code: a kernel
     * whose summation order changes on compilation (as {@code reduceLanes(ADD)} may) would fail here.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"vector-256", "vector-512"})
    void resultsDoNotChangeOnceCompiled(String backend) {
        Kernels k = kernels(backend, null);
        Kernels gemm = new VectorKernels(null, VectorKernels.speciesOfBits(Integer.parseInt(backend.substring(7))), 1);
        Random random = new Random(9);
        int cols = 45; // 2 or 1 full vectors plus a tail
        Matrix f32 = TestData.randomMatrix(random, false, 9, cols);
        Matrix bf16 = TestData.randomMatrix(random, true, 9, cols);
        float[] x = TestData.randomFloats(random, 5 * cols);
        float[] gate = TestData.randomFloats(random, 45);
        Function<Matrix, float[]> run = w -> {
            float[] out = new float[2 * 5 * 9 + 1];
            k.matmul(w, x, 5, out);
            float[] viaGemm = new float[5 * 9];
            gemm.matmul(w, x, 5, viaGemm);
            System.arraycopy(viaGemm, 0, out, 5 * 9, 5 * 9);
            out[2 * 5 * 9] = k.dot(x, 0, x, cols, cols);
            return out;
        };
        float[] coldF32 = run.apply(f32);
        float[] coldBf16 = run.apply(bf16);
        float[] coldSilu = gate.clone();
        k.siluMul(coldSilu, x, 45);
        // enough calls for C2 to compile the loops (~1 s; the tile methods are invoked many times per call)
        long deadline = System.nanoTime() + 3_000_000_000L;
        for (int i = 0; i < 6000 && System.nanoTime() < deadline; i++) {
            run.apply(f32);
            run.apply(bf16);
            k.siluMul(gate.clone(), x, 45);
        }
        float[] hotF32 = run.apply(f32);
        float[] hotBf16 = run.apply(bf16);
        float[] hotSilu = gate.clone();
        k.siluMul(hotSilu, x, 45);
        for (int e = 0; e < coldF32.length; e++) {
            TestData.assertSameBits(coldF32[e], hotF32[e], backend + " f32 element " + e);
            TestData.assertSameBits(coldBf16[e], hotBf16[e], backend + " bf16 element " + e);
        }
        for (int e = 0; e < coldSilu.length; e++) {
            TestData.assertSameBits(coldSilu[e], hotSilu[e], backend + " siluMul element " + e);
        }
    }

    private static void assertRowSame(float[] batch, int r, float[] row, String what) {
        for (int o = 0; o < row.length; o++) {
            TestData.assertSameBits(row[o], batch[r * row.length + o], what + ", output " + o);
        }
    }
}
