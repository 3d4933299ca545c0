// The project's kernels compiled for the CPU (cuda_host_shim.h), looked up by entry-point name, callable
// two ways: with the raw 64-bit argument words of an operation log (replay.cpp), or with the
// `void** kernelParams` array of cuLaunchKernel (fake_cuda_driver.cpp), each read by the kernel's own C++
// parameter types, exactly as the CUDA driver reads them.
#pragma once
#include "cuda_host_shim.h"
#include "../plt_kernels.cu"

#include <map>
#include <string>
#include <type_traits>
#include <utility>

namespace plt_emu {

enum ArgType : uint32_t { POINTER = 0, INT = 1, FLOAT = 2 };

template <typename T>
constexpr ArgType type_of() {
    if constexpr (std::is_pointer_v<T>) {
        return POINTER;
    } else if constexpr (std::is_same_v<T, float>) {
        return FLOAT;
    } else {
        static_assert(std::is_same_v<T, int>, "kernel parameters are pointers, int or float");
        return INT;
    }
}

template <typename T>
T from_raw(uint64_t raw) {
    if constexpr (std::is_pointer_v<T>) {
        return reinterpret_cast<T>(raw);
    } else if constexpr (std::is_same_v<T, float>) {
        const uint32_t bits = static_cast<uint32_t>(raw);
        float f;
        std::memcpy(&f, &bits, sizeof f);
        return f;
    } else {
        return static_cast<int>(static_cast<uint32_t>(raw));
    }
}

struct Kernel {
    std::vector<ArgType> signature;
    std::function<void(const std::vector<uint64_t>&)> call_raw;
    std::function<void(void**)> call_params;
};

template <typename... A, size_t... I>
void call_raw(void (*kernel)(A...), const std::vector<uint64_t>& raw, std::index_sequence<I...>) {
    kernel(from_raw<A>(raw[I])...);
}

template <typename... A, size_t... I>
void call_params(void (*kernel)(A...), void** params, std::index_sequence<I...>) {
    kernel(*static_cast<A*>(params[I])...);
}

template <typename... A>
Kernel kernel_entry(void (*kernel)(A...)) {
    return {{type_of<A>()...},
            [kernel](const std::vector<uint64_t>& raw) { call_raw(kernel, raw, std::index_sequence_for<A...>{}); },
            [kernel](void** params) { call_params(kernel, params, std::index_sequence_for<A...>{}); }};
}

#define PLT_KERNEL(name) {#name, kernel_entry(name)}

inline const std::map<std::string, Kernel>& kernels() {
    static const std::map<std::string, Kernel> table = {
        PLT_KERNEL(plt_embed_rows),   PLT_KERNEL(plt_copy_vectors), PLT_KERNEL(plt_to_bf16),
        PLT_KERNEL(plt_rmsnorm),      PLT_KERNEL(plt_rope_bias),    PLT_KERNEL(plt_store_kv),
        PLT_KERNEL(plt_attend_cache), PLT_KERNEL(plt_gate_query),   PLT_KERNEL(plt_gate_hidden),
        PLT_KERNEL(plt_window_mix),   PLT_KERNEL(plt_swiglu),       PLT_KERNEL(plt_argmax),
        PLT_KERNEL(plt_sample),
    };
    return table;
}

#undef PLT_KERNEL

}  // namespace plt_emu
