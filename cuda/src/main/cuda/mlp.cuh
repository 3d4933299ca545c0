// SwiGLU on the fused gate/up projection [rows][gate (ff) | up (ff)].
#pragma once
#include "common.cuh"

// Grid-stride: out[r][i] = silu(gate) * up, written as bf16 because it feeds down_proj through cuBLAS.
extern "C" __global__ void plt_swiglu(bf16* out, const float* gate_up, int rows, int ff) {
    const int count = rows * ff;
    for (int idx = blockIdx.x * blockDim.x + threadIdx.x; idx < count; idx += gridDim.x * blockDim.x) {
        const int row = idx / ff;
        const int i = idx % ff;
        const float g = gate_up[(size_t)row * 2 * ff + i];
        const float u = gate_up[(size_t)row * 2 * ff + ff + i];
        out[idx] = __float2bfloat16(g / (1.f + expf(-g)) * u);
    }
}
