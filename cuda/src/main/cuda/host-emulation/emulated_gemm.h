// cublasGemmEx by its definition, column-major: C = alpha * op(A) op(B) + beta * C, with C m x n,
// op(A) m x k, op(B) k x n; inputs f32 or bf16, output f32, float accumulation (CUBLAS_COMPUTE_32F).
#pragma once
#include "cuda_host_shim.h"

#include <stdexcept>
#include <string>

namespace plt_emu {

constexpr int R_32F = 0;
constexpr int R_16BF = 14;

inline float load_element(const void* base, int type, size_t index) {
    if (type == R_32F) {
        return static_cast<const float*>(base)[index];
    }
    if (type == R_16BF) {
        return __bfloat162float(static_cast<const __nv_bfloat16*>(base)[index]);
    }
    throw std::runtime_error("gemm: unsupported data type " + std::to_string(type));
}

inline void gemm_ex(int trans_a, int trans_b, int m, int n, int k, float alpha, const void* a, int a_type, int lda,
                    const void* b, int b_type, int ldb, float beta, void* c, int c_type, int ldc) {
    if (c_type != R_32F) {
        throw std::runtime_error("gemm: the backend only writes f32 outputs");
    }
    float* out = static_cast<float*>(c);
    for (int j = 0; j < n; ++j) {
        for (int i = 0; i < m; ++i) {
            float sum = 0.f;
            for (int p = 0; p < k; ++p) {
                const size_t ai = trans_a ? (size_t)p + (size_t)i * lda : (size_t)i + (size_t)p * lda;
                const size_t bi = trans_b ? (size_t)j + (size_t)p * ldb : (size_t)p + (size_t)j * ldb;
                sum += load_element(a, a_type, ai) * load_element(b, b_type, bi);
            }
            float& target = out[(size_t)i + (size_t)j * ldc];
            target = beta == 0.f ? alpha * sum : alpha * sum + beta * target;  // C is not read when beta is 0
        }
    }
}

}  // namespace plt_emu
