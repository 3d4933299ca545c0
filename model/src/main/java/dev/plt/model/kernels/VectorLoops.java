package dev.plt.model.kernels;

/**
 * The hot loops of {@link VectorKernels} for one vector shape.
 *
 * <p>Why one class per shape: the JIT only turns Vector API calls into vector instructions when the
 * species is a compile-time constant (a {@code static final}); with the species in an instance field the
 * same code runs 10-50x slower, allocating an object per vector operation. So each shape has its own
 * class, {@code VectorLoops512}, {@code VectorLoops256} and {@code VectorLoops128}, and all widths can be
 * used side by side in one JVM ({@code --backend vector-256}, tests and benchmarks that compare widths).
 * Their sources are not kept by hand: the build writes them into {@code target/generated-sources/vector-loops}
 * from one template, {@code model/src/main/templates/dev/plt/model/kernels/VectorLoopsN.java.template}, with
 * the width filled in (execution {@code vector-loops} in {@code model/pom.xml}). Edit the template; a
 * hand-kept {@code VectorLoopsN.java} in {@code src/main/java} stops the build ({@code VectorLoopsGenerationTest}
 * checks both).
 *
 * <p>The loops also cast every vector they load or build to the shape's concrete class (see
 * {@code FLOAT_CLASS} there), so that a second shape in the same JVM does not slow the first one down.
 *
 * <p>Every dot product is computed by one scheme (see {@link VectorKernels}) in {@link #dotF32} /
 * {@link #dotBf16} and in the 4-row tiles of the matmul, which is what makes matmul batch-invariant.
 */
interface VectorLoops {
    /** Vector size in bits. */
    int bits();

    /** Float lanes per vector. */
    int lanes();

    /** {@code sum_i a[aOff + i] * b[bOff + i]}; the same bits as each matmul element. */
    float dotF32(float[] a, int aOff, float[] b, int bOff, int n);

    /** {@code sum_i bf16(w[wOff + i]) * x[xOff + i]}. */
    float dotBf16(short[] w, int wOff, float[] x, int xOff, int n);

    /**
     * Output features {@code [o0, o1)} of {@code out[r, o] = sum_i w[o, i] * x[r, i]} for all {@code rows}
     * activation rows; {@code w} is row-major [outCols, cols]. Every element is exactly what
     * {@link #dotF32} gives for its weight row and activation row, whatever {@code rows} and the range.
     * The whole chunk is one call so that the JIT compiles it as one unit per shape.
     */
    void matmulF32(float[] w, int cols, int outCols, float[] x, int rows, float[] out, int o0, int o1);

    /** {@link #matmulF32} with bf16 weights; every element exactly what {@link #dotBf16} gives. */
    void matmulBf16(short[] w, int cols, int outCols, float[] x, int rows, float[] out, int o0, int o1);

    /**
     * {@link #matmulF32} with {@link dev.plt.model.tensor.Int8Matrix} weights ({@code cols} a multiple of its
     * block): each weight dequantized as {@code Int8Matrix.dequantize}, then the f32 scheme, so every element is
     * bitwise what {@link #matmulF32} gives on the dequantized matrix.
     */
    void matmulInt8(byte[] w, float[] scales, int cols, int outCols, float[] x, int rows, float[] out, int o0, int o1);

    /** {@code y[yOff + i] = fma(alpha, x[xOff + i], y[yOff + i])}. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /** {@code out[outOff + i] = x[xOff + i] * scale * weight[i]} (RMSNorm's second pass). */
    void scaleMul(float[] x, int xOff, float scale, float[] weight, float[] out, int outOff, int n);

    /** {@code gate[i] = gate[i] / (exp(-gate[i]) + 1) * up[i]}, exp as {@link VectorExp#exp(float)}. */
    void siluMul(float[] gate, float[] up, int n);

    /** See {@link Kernels#attentionScores}. */
    void attentionScores(float[] q, int[] qOffsets, int queries, int headDim, float[] keys, int keysOff,
                         int blockStride, int keyCount, float scale, float[] scores, int scoreStride);

    /** See {@link Kernels#softmaxNumerators}; {@code exp} as {@link VectorExp#exp(float)}. */
    float softmaxNumerators(float[] s, int off, int n);

    /** See {@link Kernels#weightedSum}. */
    void weightedSum(float[] p, int pOff, int n, float[] values, int valuesOff, int stride, int headDim,
                     float scale, float[] out, int outOff);
}
