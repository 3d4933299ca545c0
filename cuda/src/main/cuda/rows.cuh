// Row plumbing of a pass: building each row's loop input, moving carried vectors, and the one f32 -> bf16
// conversion the attention output needs before its cuBLAS projection.
#pragma once
#include "common.cuh"

// One block per row: the device side of LoopInputs (model/.../loop), plt-spec section 3. A row with no
// source (`carry_source[row]` null) is loop 1: B = E(x). Otherwise B = a * E(x) + b * source, where the
// host's PassTables points `carry_source[row]` at what the ClpPlan names (the sequence's saved carry, or a
// row of the previous pass) and takes a and b from LoopInputs: the CLP scales, or a = 0, b = 1 for serial.
extern "C" __global__ void plt_embed_rows(float* hidden, const bf16* embedding, const int* tokens,
                                          const u64* carry_source, float a, float b, int d) {
    const int row = blockIdx.x;
    const bf16* embedded = embedding + (size_t)tokens[row] * d;
    const float* carry = reinterpret_cast<const float*>(carry_source[row]);
    float* out = hidden + (size_t)row * d;
    for (int i = threadIdx.x; i < d; i += blockDim.x) {
        const float e = __bfloat162float(embedded[i]);
        out[i] = carry != nullptr ? a * e + b * carry[i] : e;
    }
}

// One block per vector: copies `width` floats from source[i] to target[i]. Used to save the carries
// h^l of a step into each sequence's own state, which lives at scattered addresses.
extern "C" __global__ void plt_copy_vectors(const u64* source, const u64* target, int width) {
    const float* from = reinterpret_cast<const float*>(source[blockIdx.x]);
    float* to = reinterpret_cast<float*>(target[blockIdx.x]);
    for (int i = threadIdx.x; i < width; i += blockDim.x) {
        to[i] = from[i];
    }
}

// Grid-stride conversion, round to nearest even (what cuBLAS's bf16 inputs expect).
extern "C" __global__ void plt_to_bf16(bf16* out, const float* in, int count) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < count; i += gridDim.x * blockDim.x) {
        out[i] = __float2bfloat16(in[i]);
    }
}
