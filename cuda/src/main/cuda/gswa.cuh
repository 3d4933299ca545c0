// Gated Sliding-Window Attention for loops >= 2 (plt-spec section 4): the gate logits, and the local
// window branch mixed into the global branch that plt_attend_cache already wrote.
#pragma once
#include "common.cuh"

// One block per G-SWA row (window_rows lists them), one warp per head in turn. Query gate (the default):
// gate_logit_h = q_h . wg_h + bg_h on the post-bias, post-RoPE query; gate_weight is [heads][head_dim].
extern "C" __global__ void plt_gate_query(float* gate_logits, const float* qkv, int qkv_stride,
                                          const int* window_rows, const float* gate_weight,
                                          const float* gate_bias, int heads, int head_dim) {
    const int row = window_rows[blockIdx.x];
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    const int warps = blockDim.x >> 5;
    for (int h = warp; h < heads; h += warps) {
        const float* q = qkv + (size_t)row * qkv_stride + h * head_dim;
        const float* w = gate_weight + (size_t)h * head_dim;
        float dot = 0.f;
        for (int i = lane; i < head_dim; i += 32) {
            dot += q[i] * w[i];
        }
        dot = warp_sum(dot);
        if (lane == 0) {
            gate_logits[(size_t)row * heads + h] = dot + gate_bias[h];
        }
    }
}

// Hidden-state gate (LoopCoder-V2): gate_logit = RMSNorm_g(residual) Wg^T + bg, with the layer's residual
// input (before input_layernorm) and the gate's own norm weight; gate_weight is [heads][d]. The normed
// row is kept in dynamic shared memory, d floats.
extern "C" __global__ void plt_gate_hidden(float* gate_logits, const float* residual, const int* window_rows,
                                           const float* norm_weight, float eps, const float* gate_weight,
                                           const float* gate_bias, int heads, int d) {
    const int row = window_rows[blockIdx.x];
    const float* x = residual + (size_t)row * d;
    PLT_DYNAMIC_SHARED(float, normed);
    float sum_squares = 0.f;
    for (int i = threadIdx.x; i < d; i += blockDim.x) {
        sum_squares += x[i] * x[i];
    }
    sum_squares = block_sum(sum_squares);
    const float inv = 1.f / sqrtf(sum_squares / d + eps);
    for (int i = threadIdx.x; i < d; i += blockDim.x) {
        normed[i] = x[i] * inv * norm_weight[i];
    }
    __syncthreads();
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    const int warps = blockDim.x >> 5;
    for (int h = warp; h < heads; h += warps) {
        const float* w = gate_weight + (size_t)h * d;
        float dot = 0.f;
        for (int i = lane; i < d; i += 32) {
            dot += normed[i] * w[i];
        }
        dot = warp_sum(dot);
        if (lane == 0) {
            gate_logits[(size_t)row * heads + h] = dot + gate_bias[h];
        }
    }
}

// Grid (G-SWA rows, heads), one warp per block. Local branch over the window max(0, t-w) .. t of this
// loop's own keys, then out = g * global + (1 - g) * local with g = sigmoid(gate logit), in place on
// `out`, which holds the global branch. A key of this very pass (positions from the row's run start on)
// is read from the fused projection; an older one from the loop's ring buffer, slot = position mod slots.
// run_first_row[row] is the first row of the row's (sequence, loop) run in this pass. Dynamic shared
// memory: window + 1 floats of scores.
extern "C" __global__ void plt_window_mix(float* out, int out_stride, const float* qkv, int qkv_stride, int q_dim,
                                          int kv_dim, const int* window_rows, const int* positions,
                                          const int* run_first_row, const u64* ring_keys, const u64* ring_values,
                                          int slots, const float* gate_logits, int heads, int kv_heads,
                                          int head_dim, int window, float scale) {
    const int row = window_rows[blockIdx.x];
    const int head = blockIdx.y;
    const int lane = threadIdx.x;
    const int kv_offset = (head / (heads / kv_heads)) * head_dim;
    const int t = positions[row];
    const int first = max(0, t - window);
    const int count = t - first + 1;
    const int run_row = run_first_row[row];
    const int run_position = positions[run_row];
    const float* ring_k = reinterpret_cast<const float*>(ring_keys[row]);
    const float* ring_v = reinterpret_cast<const float*>(ring_values[row]);
    const float* q = qkv + (size_t)row * qkv_stride + head * head_dim;

    PLT_DYNAMIC_SHARED(float, scores);
    float local_max = -INFINITY;
    for (int j = lane; j < count; j += 32) {
        const int p = first + j;
        const float* k = p >= run_position
                ? qkv + (size_t)(run_row + p - run_position) * qkv_stride + q_dim + kv_offset
                : ring_k + (size_t)(p % slots) * kv_dim + kv_offset;
        float dot = 0.f;
        for (int i = 0; i < head_dim; ++i) {
            dot += q[i] * k[i];
        }
        scores[j] = dot * scale;
        local_max = fmaxf(local_max, dot * scale);
    }
    const float score_max = warp_max(local_max);
    float local_sum = 0.f;
    for (int j = lane; j < count; j += 32) {
        const float e = expf(scores[j] - score_max);
        scores[j] = e;
        local_sum += e;
    }
    const float total = warp_sum(local_sum);
    __syncthreads();  // every lane reads every score below

    const float g = sigmoidf(gate_logits[(size_t)row * heads + head]);
    float* y = out + (size_t)row * out_stride + head * head_dim;
    for (int i = lane; i < head_dim; i += 32) {
        float local = 0.f;
        for (int j = 0; j < count; ++j) {
            const int p = first + j;
            const float* v = p >= run_position
                    ? qkv + (size_t)(run_row + p - run_position) * qkv_stride + q_dim + kv_dim + kv_offset
                    : ring_v + (size_t)(p % slots) * kv_dim + kv_offset;
            local += scores[j] * v[i];
        }
        y[i] = g * y[i] + (1.f - g) * (local / total);
    }
}
