// A stand-in for libcublas.so.13 with the four calls the backend makes, cublasGemmEx evaluated by its
// definition on the CPU (emulated_gemm.h): used with fake_cuda_driver.cpp by FakeDriverTest. Built with
// fake_cublas.map, because JavaCPP's JNI wrapper asks for the symbol version "libcublas.so.13".
#include "emulated_gemm.h"

#include <cstdio>

namespace {
int handle_token;
constexpr int SUCCESS = 0;
constexpr int NOT_INITIALIZED = 1;
constexpr int INVALID_VALUE = 7;
constexpr int COMPUTE_32F = 68;
}  // namespace

extern "C" {

int cublasCreate_v2(void** handle) {
    *handle = &handle_token;
    return SUCCESS;
}

int cublasDestroy_v2(void* handle) { return handle == &handle_token ? SUCCESS : NOT_INITIALIZED; }

const char* cublasGetStatusString(int status) {
    return status == SUCCESS ? "CUBLAS_STATUS_SUCCESS" : "CUBLAS_STATUS_INVALID_VALUE (fake cuBLAS)";
}

int cublasGemmEx(void* handle, int trans_a, int trans_b, int m, int n, int k, const void* alpha, const void* a,
                 int a_type, int lda, const void* b, int b_type, int ldb, const void* beta, void* c, int c_type,
                 int ldc, int compute_type, int) {
    if (handle != &handle_token) {
        return NOT_INITIALIZED;
    }
    // cuBLAS's own argument checks for a "TN"/"NN" GEMM: leading dimensions cover the stored rows.
    const bool shapes_ok = m >= 0 && n >= 0 && k >= 0 && lda >= (trans_a ? k : m) && ldb >= (trans_b ? n : k)
                           && ldc >= m && compute_type == COMPUTE_32F;
    if (!shapes_ok) {
        return INVALID_VALUE;
    }
    try {
        plt_emu::gemm_ex(trans_a, trans_b, m, n, k, *static_cast<const float*>(alpha), a, a_type, lda, b, b_type, ldb,
                         *static_cast<const float*>(beta), c, c_type, ldc);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fake libcublas: %s\n", e.what());
        return INVALID_VALUE;
    }
    return SUCCESS;
}

}  // extern "C"
