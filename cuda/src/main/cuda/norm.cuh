// RMSNorm, the Llama pre-norm: out = x / sqrt(mean(x^2) + eps) * weight.
#pragma once
#include "common.cuh"

// One block per output row. `row_select` (may be null) picks which input row feeds output row r, so the
// final norm can gather just the rows whose logits are wanted. The output is bf16 when it feeds a
// cuBLAS projection, f32 when it is a carried hidden state.
extern "C" __global__ void plt_rmsnorm(void* out, int out_stride, int out_bf16, const float* x, int x_stride,
                                       const int* row_select, const float* weight, float eps, int d) {
    const int row = blockIdx.x;
    const int source = row_select != nullptr ? row_select[row] : row;
    const float* in = x + (size_t)source * x_stride;
    float sum_squares = 0.f;
    for (int i = threadIdx.x; i < d; i += blockDim.x) {
        sum_squares += in[i] * in[i];
    }
    sum_squares = block_sum(sum_squares);
    const float inv = 1.f / sqrtf(sum_squares / d + eps);
    for (int i = threadIdx.x; i < d; i += blockDim.x) {
        const float v = in[i] * inv * weight[i];
        if (out_bf16) {
            reinterpret_cast<bf16*>(out)[(size_t)row * out_stride + i] = __float2bfloat16(v);
        } else {
            reinterpret_cast<float*>(out)[(size_t)row * out_stride + i] = v;
        }
    }
}
