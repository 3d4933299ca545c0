package dev.plt.model.cuda;

/**
 * The projections of the engine as cuBLAS GEMMs. The engine's convention is row-major: weights are
 * Hugging Face {@code nn.Linear} matrices {@code W [out][in]}, activations {@code X [rows][in]}, and a
 * projection is {@code Y [rows][out] = X W^T}. cuBLAS is column-major, where the same bytes read as
 * {@code W^T (in x out)}, {@code X^T (in x rows)} and {@code Y^T (out x rows)}. So
 * {@code Y^T = W X^T} is {@code C = op(A) B} with A = the weight bytes transposed ({@code OP_T},
 * lda = in), B = the activation bytes ({@code OP_N}, ldb = in) and C = the output bytes (ldc = out):
 * the classic "TN" GEMM, which needs no copy of anything.
 */
public final class GemmMapping {
    /** {@code CUBLAS_OP_N}, {@code CUBLAS_OP_T}. */
    public static final int OP_N = 0;
    public static final int OP_T = 1;
    /** {@code CUDA_R_32F}, {@code CUDA_R_16BF}. */
    public static final int R_32F = 0;
    public static final int R_16BF = 14;

    private GemmMapping() {
    }

    /**
     * {@code output[rows][out] (+)= input[rows][in] . weights[out][in]^T}: bf16 weights and inputs, f32
     * output, f32 accumulation. With {@code accumulate} the product is added to the output (beta = 1),
     * which is how the residual adds after o_proj and down_proj are done without a kernel of their own.
     */
    public static CublasGemm rowMajor(long weights, long input, long output, int rows, int in, int out,
            boolean accumulate) {
        return new CublasGemm(OP_T, OP_N, out, rows, in, 1f, weights, R_16BF, in, input, R_16BF, in,
                accumulate ? 1f : 0f, output, R_32F, out);
    }
}
