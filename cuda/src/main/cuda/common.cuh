// Types and block-wide reductions shared by every kernel of the CUDA backend.
//
// The same source also compiles as plain C++ on CPU threads (host-emulation/cuda_host_shim.h), which is
// how the kernels are tested on machines without a GPU. Hence two rules for every kernel here:
//   * blocks are one-dimensional with a multiple of 32 threads, and warp shuffles are only reached by
//     all 32 lanes of a warp together (the emulation has no partial warps);
//   * dynamic shared memory is declared through PLT_DYNAMIC_SHARED, never with `extern __shared__`.
#pragma once

#ifndef PLT_HOST_EMULATION
#include <cuda_bf16.h>
#include <climits>
// The kernel's dynamic shared memory, typed. 16-byte aligned so float4 loads would be legal.
#define PLT_DYNAMIC_SHARED(type, name)                                    \
    extern __shared__ __align__(16) unsigned char plt_dynamic_shared_[]; \
    type* name = reinterpret_cast<type*>(plt_dynamic_shared_)
#endif

typedef __nv_bfloat16 bf16;
typedef unsigned long long u64;

#define PLT_FULL_MASK 0xffffffffu

__device__ __forceinline__ float warp_sum(float v) {
    for (int mask = 16; mask > 0; mask >>= 1) {
        v += __shfl_xor_sync(PLT_FULL_MASK, v, mask);
    }
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
    for (int mask = 16; mask > 0; mask >>= 1) {
        v = fmaxf(v, __shfl_xor_sync(PLT_FULL_MASK, v, mask));
    }
    return v;
}

__device__ __forceinline__ int warp_min_int(int v) {
    for (int mask = 16; mask > 0; mask >>= 1) {
        v = min(v, __shfl_xor_sync(PLT_FULL_MASK, v, mask));
    }
    return v;
}

__device__ __forceinline__ int warp_max_int(int v) {
    for (int mask = 16; mask > 0; mask >>= 1) {
        v = max(v, __shfl_xor_sync(PLT_FULL_MASK, v, mask));
    }
    return v;
}

// Sum over the whole block, returned to every thread. Every warp adds the per-warp partials itself in
// the same order, so all threads get bitwise the same total without a second broadcast.
__device__ float block_sum(float v) {
    __shared__ float partial[32];
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    const int warps = blockDim.x >> 5;
    v = warp_sum(v);
    __syncthreads();  // an earlier call may still be reading `partial`
    if (lane == 0) {
        partial[warp] = v;
    }
    __syncthreads();
    return warp_sum(lane < warps ? partial[lane] : 0.f);
}

__device__ float block_max(float v) {
    __shared__ float partial[32];
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    const int warps = blockDim.x >> 5;
    v = warp_max(v);
    __syncthreads();
    if (lane == 0) {
        partial[warp] = v;
    }
    __syncthreads();
    return warp_max(lane < warps ? partial[lane] : -INFINITY);
}

__device__ int block_min_int(int v) {
    __shared__ int partial[32];
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    const int warps = blockDim.x >> 5;
    v = warp_min_int(v);
    __syncthreads();
    if (lane == 0) {
        partial[warp] = v;
    }
    __syncthreads();
    return warp_min_int(lane < warps ? partial[lane] : INT_MAX);
}

__device__ int block_max_int(int v) {
    __shared__ int partial[32];
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    const int warps = blockDim.x >> 5;
    v = warp_max_int(v);
    __syncthreads();
    if (lane == 0) {
        partial[warp] = v;
    }
    __syncthreads();
    return warp_max_int(lane < warps ? partial[lane] : INT_MIN);
}

// Inclusive prefix sum over the block in thread order.
__device__ float block_inclusive_scan(float v) {
    __shared__ float warp_totals[32];
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    for (int delta = 1; delta < 32; delta <<= 1) {
        float below = __shfl_up_sync(PLT_FULL_MASK, v, delta);
        if (lane >= delta) {
            v += below;
        }
    }
    __syncthreads();
    if (lane == 31) {
        warp_totals[warp] = v;
    }
    __syncthreads();
    float offset = 0.f;
    for (int w = 0; w < warp; ++w) {
        offset += warp_totals[w];
    }
    return v + offset;
}

__device__ __forceinline__ float sigmoidf(float x) {
    return 1.f / (1.f + expf(-x));
}
