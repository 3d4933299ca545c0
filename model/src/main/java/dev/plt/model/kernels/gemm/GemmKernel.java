package dev.plt.model.kernels.gemm;

/**
 * The vector parts of {@link PackedGemm} for one vector shape: packing into panels and the register-blocked
 * micro-kernel. One class per shape ({@link GemmKernel512}, {@link GemmKernel256}, {@link GemmKernel128}),
 * for the reason {@code VectorLoops} gives: the JIT only emits vector instructions for a {@code static final}
 * species. The three classes are generated at build time from one template,
 * {@code model/src/main/templates/dev/plt/model/kernels/gemm/GemmKernelN.java.template} (model/pom.xml,
 * execution {@code vector-loops}): edit the template, never the generated copies.
 *
 * <p>Packed layouts, in chunks of {@link #lanes()} floats along the input dimension (only the
 * {@code chunks = cols / lanes} whole chunks are packed; the scalar tail is read from the unpacked arrays):
 * <ul>
 *   <li>weights: panels of {@link PackedGemm#NR} weight rows, panel {@code p} at {@code p * chunks * NR * lanes},
 *       row {@code j} of chunk {@code c} at {@code (c * NR + j) * lanes} within it;</li>
 *   <li>activations: strips of {@link PackedGemm#MR} rows, strip {@code s} at {@code s * chunks * MR * lanes},
 *       row {@code i} of chunk {@code c} at {@code (c * MR + i) * lanes} within it.</li>
 * </ul>
 * Rows past the end (the last panel or strip) are packed as zeros; their results are never stored.
 */
interface GemmKernel {
    /** Float lanes per vector. */
    int lanes();

    /** Weight rows {@code [o0, o0 + count)} of a row-major f32 matrix with {@code cols} columns, as panels from 0. */
    void packWeightsF32(float[] w, int cols, int o0, int count, int chunks, float[] dst);

    /** {@link #packWeightsF32} for bf16 weights, widened to f32 (exactly) while packing. */
    void packWeightsBf16(short[] w, int cols, int o0, int count, int chunks, float[] dst);

    /**
     * {@link #packWeightsF32} for int8 weights ({@code dev.plt.model.tensor.Int8Matrix}: one scale per 32 columns,
     * {@code cols} a multiple of 32), dequantized while packing exactly as {@code Int8Matrix.dequantize}.
     */
    void packWeightsInt8(byte[] w, float[] scales, int cols, int o0, int count, int chunks, float[] dst);

    /** Activation rows {@code [0, rows)} of a row-major [rows, cols] array, as strips from 0. */
    void packActivations(float[] x, int cols, int rows, int chunks, float[] dst);

    /**
     * One MR x NR tile: activation strip at {@code xOff} against weight panel at {@code wOff}, over
     * {@code chunks} chunks. The accumulator of strip row i and panel row j (one vector, one fused
     * multiply-add per chunk in order, as the mat-vec's) goes to {@code partials[(i * NR + j) * lanes ..]};
     * {@link #sumLanes} then sums its lanes.
     */
    void tile(float[] packedW, int wOff, float[] packedX, int xOff, int chunks, float[] partials);

    /**
     * {@code sums[k]} = the lanes of accumulator k at {@code partials[k * lanes ..]} summed in the mat-vec's
     * fixed tree, for k below {@code count}. {@code partials} has room for whole groups of {@code lanes}
     * accumulators and is overwritten; {@code sums} too (the entries from count to the end of the last group
     * get garbage).
     */
    void sumLanes(float[] partials, int count, float[] sums);
}
