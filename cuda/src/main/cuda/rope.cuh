// Q/K/V bias and rotary embedding, in place on the fused projection [rows][q | k | v].
#pragma once
#include "common.cuh"

// One block per row. Adds the attention bias (null when attention_bias is false) to q, k and v, then
// rotates every q and k head in the Hugging Face "rotate half" convention: dimension i pairs with
// i + d_h/2 and turns by the row's position times theta^(-2i/d_h). The angles come from a table the
// host computes in double precision, [position][d_h/2], exactly as the CPU engine does.
extern "C" __global__ void plt_rope_bias(float* qkv, int stride, const float* bias, const int* positions,
                                         const float* cos_table, const float* sin_table, int heads,
                                         int kv_heads, int head_dim) {
    const int row = blockIdx.x;
    const int half = head_dim / 2;
    float* x = qkv + (size_t)row * stride;
    const float* cos_row = cos_table + (size_t)positions[row] * half;
    const float* sin_row = sin_table + (size_t)positions[row] * half;
    // q heads then k heads are contiguous, so pair p of "rotated head" h sits at h * head_dim.
    const int pairs = (heads + kv_heads) * half;
    for (int p = threadIdx.x; p < pairs; p += blockDim.x) {
        const int base = (p / half) * head_dim;
        const int i = p % half;
        float x1 = x[base + i];
        float x2 = x[base + i + half];
        if (bias != nullptr) {
            x1 += bias[base + i];
            x2 += bias[base + i + half];
        }
        const float c = cos_row[i];
        const float s = sin_row[i];
        x[base + i] = x1 * c - x2 * s;
        x[base + i + half] = x2 * c + x1 * s;
    }
    if (bias != nullptr) {
        const int v_start = (heads + kv_heads) * head_dim;
        const int v_width = kv_heads * head_dim;
        for (int i = threadIdx.x; i < v_width; i += blockDim.x) {
            x[v_start + i] += bias[v_start + i];
        }
    }
}
