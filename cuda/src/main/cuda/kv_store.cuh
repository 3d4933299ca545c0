// Writes this pass's keys and values into caches: the full caches (slot = position) and the G-SWA ring
// buffers (slot = position mod (w + 1)). The host decides which rows write where.
#pragma once
#include "common.cuh"

// One block per row. A row with key_base[row] == 0 writes nothing (its loop keeps no such cache, or a
// later row of the same run owns the ring slot). Caches are [slot][kv_dim] f32 for one layer.
extern "C" __global__ void plt_store_kv(const float* qkv, int stride, int q_dim, int kv_dim, const int* slots,
                                        const u64* key_base, const u64* value_base) {
    const int row = blockIdx.x;
    float* keys = reinterpret_cast<float*>(key_base[row]);
    if (keys == nullptr) {
        return;
    }
    float* values = reinterpret_cast<float*>(value_base[row]);
    const float* k = qkv + (size_t)row * stride + q_dim;
    const float* v = k + kv_dim;
    const size_t at = (size_t)slots[row] * kv_dim;
    for (int i = threadIdx.x; i < kv_dim; i += blockDim.x) {
        keys[at + i] = k[i];
        values[at + i] = v[i];
    }
}
