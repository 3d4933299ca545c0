// Causal attention of several query rows over one full KV cache (loop 1's, or a loop's own).
#pragma once
#include "common.cuh"

// Grid (tasks, kv_heads). A task is a run of rows of one sequence that read the same cache: in a CLP
// decode step, the L rows of a sequence (loop 1 and every KV-sharing loop >= 2, all at position t); in a
// prefill pass, up to a few consecutive positions of one loop. The block serves every query head of its
// KV head for every row of the task, so each key and value of the cache is read ONCE per step for all
// L loops (plt-spec section 4: loops >= 2 share loop 1's cache).
//
// task_rows[2*task] = first row, task_rows[2*task + 1] = row count; task_keys / task_values hold each
// task's cache base for this layer, [position][kv_dim] f32. Query (row, head) sees keys 0..positions[row].
// Keys are consumed in tiles of `tile_keys` (<= 32) with an online softmax.
//
// Dynamic shared memory, floats: q[Q][hd], acc[Q][hd], k[T][hd], v[T][hd], p[Q][T], max[Q], sum[Q],
// rescale[Q], where Q = rows * (heads / kv_heads) and T = tile_keys (LaunchMath.attendSharedBytes).
extern "C" __global__ void plt_attend_cache(float* out, int out_stride, const float* qkv, int qkv_stride,
                                            const int* positions, const int* task_rows, const u64* task_keys,
                                            const u64* task_values, int heads, int kv_heads, int head_dim,
                                            float scale, int tile_keys) {
    const int task = blockIdx.x;
    const int kv_head = blockIdx.y;
    const int first_row = task_rows[2 * task];
    const int rows = task_rows[2 * task + 1];
    const int group = heads / kv_heads;
    const int queries = rows * group;
    const int kv_dim = kv_heads * head_dim;
    const int tile = tile_keys;
    const float* cache_k = reinterpret_cast<const float*>(task_keys[task]) + kv_head * head_dim;
    const float* cache_v = reinterpret_cast<const float*>(task_values[task]) + kv_head * head_dim;

    PLT_DYNAMIC_SHARED(float, shared);
    float* q_s = shared;
    float* acc = q_s + queries * head_dim;
    float* k_s = acc + queries * head_dim;
    float* v_s = k_s + tile * head_dim;
    float* p_s = v_s + tile * head_dim;
    float* run_max = p_s + queries * tile;
    float* run_sum = run_max + queries;
    float* rescale = run_sum + queries;

    // Query qi is head (kv_head * group + qi % group) of row (first_row + qi / group).
    for (int idx = threadIdx.x; idx < queries * head_dim; idx += blockDim.x) {
        const int qi = idx / head_dim;
        const int i = idx % head_dim;
        const int row = first_row + qi / group;
        const int head = kv_head * group + qi % group;
        q_s[idx] = qkv[(size_t)row * qkv_stride + head * head_dim + i];
        acc[idx] = 0.f;
    }
    for (int qi = threadIdx.x; qi < queries; qi += blockDim.x) {
        run_max[qi] = -INFINITY;
        run_sum[qi] = 0.f;
    }
    int keys = 0;
    for (int r = 0; r < rows; ++r) {
        keys = max(keys, positions[first_row + r] + 1);
    }
    __syncthreads();

    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    const int warps = blockDim.x >> 5;
    for (int start = 0; start < keys; start += tile) {
        const int in_tile = min(tile, keys - start);
        for (int idx = threadIdx.x; idx < in_tile * head_dim; idx += blockDim.x) {
            const int j = idx / head_dim;
            const int i = idx % head_dim;
            k_s[idx] = cache_k[(size_t)(start + j) * kv_dim + i];
            v_s[idx] = cache_v[(size_t)(start + j) * kv_dim + i];
        }
        __syncthreads();
        // Scores; keys after a query's own position (or past the tile) are masked with -inf.
        for (int idx = threadIdx.x; idx < queries * tile; idx += blockDim.x) {
            const int qi = idx / tile;
            const int j = idx % tile;
            float score = -INFINITY;
            if (j < in_tile && start + j <= positions[first_row + qi / group]) {
                float dot = 0.f;
                for (int i = 0; i < head_dim; ++i) {
                    dot += q_s[qi * head_dim + i] * k_s[j * head_dim + i];
                }
                score = dot * scale;
            }
            p_s[idx] = score;
        }
        __syncthreads();
        // Online softmax, one warp per query: new running max, tile probabilities, rescale factor.
        for (int qi = warp; qi < queries; qi += warps) {
            const float s = lane < tile ? p_s[qi * tile + lane] : -INFINITY;
            const float old_max = run_max[qi];
            const float new_max = fmaxf(old_max, warp_max(s));
            const float p = s == -INFINITY ? 0.f : expf(s - new_max);
            const float tile_sum = warp_sum(p);
            if (lane < tile) {
                p_s[qi * tile + lane] = p;
            }
            if (lane == 0) {
                // Nothing accumulated yet while the running max is -inf, so the factor is irrelevant.
                const float factor = old_max == -INFINITY ? 0.f : expf(old_max - new_max);
                rescale[qi] = factor;
                run_sum[qi] = run_sum[qi] * factor + tile_sum;
                run_max[qi] = new_max;
            }
        }
        __syncthreads();
        for (int idx = threadIdx.x; idx < queries * head_dim; idx += blockDim.x) {
            const int qi = idx / head_dim;
            const int i = idx % head_dim;
            float a = acc[idx] * rescale[qi];
            for (int j = 0; j < in_tile; ++j) {
                a += p_s[qi * tile + j] * v_s[j * head_dim + i];
            }
            acc[idx] = a;
        }
        __syncthreads();
    }

    for (int idx = threadIdx.x; idx < queries * head_dim; idx += blockDim.x) {
        const int qi = idx / head_dim;
        const int i = idx % head_dim;
        const int row = first_row + qi / group;
        const int head = kv_head * group + qi % group;
        out[(size_t)row * out_stride + head * head_dim + i] = acc[idx] / run_sum[qi];
    }
}
