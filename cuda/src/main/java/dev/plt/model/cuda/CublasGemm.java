package dev.plt.model.cuda;

/**
 * The arguments of one {@code cublasGemmEx} call, column-major as cuBLAS defines it:
 * {@code C = alpha * op(A) op(B) + beta * C} with C {@code m x n}, op(A) {@code m x k}, op(B) {@code k x n}.
 * Built by {@link GemmMapping}; the compute type is always {@code CUBLAS_COMPUTE_32F}.
 */
public record CublasGemm(int transA, int transB, int m, int n, int k, float alpha, long a, int aType, int lda,
        long b, int bType, int ldb, float beta, long c, int cType, int ldc) {
}
