// Picking the next token on the device, so a decode step copies back one int per sequence instead of
// a whole row of logits.
#pragma once
#include "common.cuh"

// One block per row: the index of the largest logit, the lowest index on an exact tie (plt-spec
// section 8), as the CPU's LogProbs.argmax. NaN never wins.
extern "C" __global__ void plt_argmax(int* out, const float* logits, int vocab) {
    __shared__ float best_values[32];
    __shared__ int best_indices[32];
    const float* row = logits + (size_t)blockIdx.x * vocab;
    float best = -INFINITY;
    int best_index = INT_MAX;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
        const float v = row[i];
        if (v > best || (v == best && i < best_index)) {
            best = v;
            best_index = i;
        }
    }
    for (int mask = 16; mask > 0; mask >>= 1) {
        const float other = __shfl_xor_sync(PLT_FULL_MASK, best, mask);
        const int other_index = __shfl_xor_sync(PLT_FULL_MASK, best_index, mask);
        if (other > best || (other == best && other_index < best_index)) {
            best = other;
            best_index = other_index;
        }
    }
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    if (lane == 0) {
        best_values[warp] = best;
        best_indices[warp] = best_index;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        for (int w = 1; w < (int)(blockDim.x >> 5); ++w) {
            if (best_values[w] > best || (best_values[w] == best && best_indices[w] < best_index)) {
                best = best_values[w];
                best_index = best_indices[w];
            }
        }
        out[blockIdx.x] = best_index == INT_MAX ? 0 : best_index;
    }
}

// One block per row: draws a token from softmax(logits / temperature) by inverting the cumulative
// distribution in id order at the caller's uniform u in [0, 1). The host owns the random stream, so a
// draw is reproducible and independent of the batch. Plain temperature sampling only: top-k / top-p need
// the CPU Sampler's sorted order and stay on the host.
extern "C" __global__ void plt_sample(int* out, const float* logits, const float* temperature,
                                      const float* uniform, int vocab) {
    __shared__ float carried;
    const float* row = logits + (size_t)blockIdx.x * vocab;
    const float inv_t = 1.f / temperature[blockIdx.x];
    float m = -INFINITY;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
        m = fmaxf(m, row[i] * inv_t);
    }
    m = block_max(m);
    float total = 0.f;
    for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
        total += expf(row[i] * inv_t - m);
    }
    total = block_sum(total);
    const float target = uniform[blockIdx.x] * total;
    if (threadIdx.x == 0) {
        carried = 0.f;
    }
    int last_positive = -1;
    for (int start = 0; start < vocab; start += blockDim.x) {
        const int i = start + threadIdx.x;
        const float p = i < vocab ? expf(row[i] * inv_t - m) : 0.f;
        if (p > 0.f) {
            last_positive = i;
        }
        const float inclusive = block_inclusive_scan(p);  // synchronizes: `carried` is settled
        const int hit = block_min_int(p > 0.f && carried + inclusive > target ? i : INT_MAX);
        if (hit != INT_MAX) {
            if (threadIdx.x == 0) {
                out[blockIdx.x] = hit;
            }
            return;  // `hit` is the same in every thread, so the whole block leaves together
        }
        __syncthreads();
        if (threadIdx.x == blockDim.x - 1) {
            carried += inclusive;
        }
    }
    // Rounding left the target just out of reach: take the last token with any probability.
    last_positive = block_max_int(last_positive);
    if (threadIdx.x == 0) {
        out[blockIdx.x] = max(last_positive, 0);
    }
}
