// A stand-in for the NVIDIA driver library (libcuda.so.1) that runs the project's kernels on CPU threads:
// built by the tests (FakeDriverTest) so the real JavaCPP bindings and DriverGpu can be exercised end to end
// on a machine without a GPU. It implements only the driver calls the backend makes, with the C ABI of
// cuda.h (CUresult is an int; handles are pointers; CUdeviceptr is a 64-bit address, here a host address).
// Device 0 reports itself as a compute capability 9.0 "host emulation" device. A launch reads each
// argument from cuLaunchKernel's kernelParams array with the kernel's own parameter types.
// A test harness, not a driver: one context, one stream, everything synchronous.
#include "emulated_kernels.h"

#include <cstdlib>
#include <mutex>
#include <set>

namespace {

constexpr int SUCCESS = 0;
constexpr int INVALID_VALUE = 1;
constexpr int OUT_OF_MEMORY = 2;
constexpr int NOT_FOUND = 500;
constexpr int LAUNCH_FAILED = 719;
constexpr int INVALID_HANDLE = 400;

// Device attributes the backend asks for (CUdevice_attribute values of cuda.h).
constexpr int ATTRIBUTE_CC_MAJOR = 75;
constexpr int ATTRIBUTE_CC_MINOR = 76;
constexpr int ATTRIBUTE_SHARED_OPTIN = 97;
constexpr int FUNCTION_SHARED_SIZE = 1;  // CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES

std::mutex lock;
std::set<void*> allocations;
int context_token;  // the one context's handle points here
int module_token;

const plt_emu::Kernel* kernel_of(void* function) {
    for (const auto& [name, kernel] : plt_emu::kernels()) {
        if (&kernel == function) {
            return &kernel;
        }
    }
    return nullptr;
}

}  // namespace

extern "C" {

int cuInit(unsigned) { return SUCCESS; }

int cuDriverGetVersion(int* version) {
    *version = 13000;
    return SUCCESS;
}

int cuDeviceGetCount(int* count) {
    *count = 1;
    return SUCCESS;
}

int cuDeviceGet(int* device, int ordinal) {
    if (ordinal != 0) {
        return INVALID_VALUE;
    }
    *device = 0;
    return SUCCESS;
}

int cuDeviceGetAttribute(int* value, int attribute, int) {
    switch (attribute) {
        case ATTRIBUTE_CC_MAJOR: *value = 9; break;
        case ATTRIBUTE_CC_MINOR: *value = 0; break;
        case ATTRIBUTE_SHARED_OPTIN: *value = 227 * 1024; break;
        default: *value = 0;
    }
    return SUCCESS;
}

int cuDeviceGetName(char* name, int length, int) {
    std::snprintf(name, length, "host emulation");
    return SUCCESS;
}

int cuDeviceTotalMem_v2(size_t* bytes, int) {
    *bytes = size_t(8) << 30;
    return SUCCESS;
}

int cuGetErrorName(int error, const char** name) {
    static const std::map<int, const char*> names = {
        {SUCCESS, "CUDA_SUCCESS"}, {INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE"},
        {OUT_OF_MEMORY, "CUDA_ERROR_OUT_OF_MEMORY"}, {NOT_FOUND, "CUDA_ERROR_NOT_FOUND"},
        {INVALID_HANDLE, "CUDA_ERROR_INVALID_HANDLE"}, {LAUNCH_FAILED, "CUDA_ERROR_LAUNCH_FAILED"}};
    auto found = names.find(error);
    *name = found == names.end() ? nullptr : found->second;
    return found == names.end() ? INVALID_VALUE : SUCCESS;
}

int cuDevicePrimaryCtxRetain(void** context, int) {
    *context = &context_token;
    return SUCCESS;
}

int cuDevicePrimaryCtxRelease_v2(int) { return SUCCESS; }

int cuCtxSetCurrent(void* context) { return context == &context_token ? SUCCESS : INVALID_HANDLE; }

int cuCtxSynchronize() { return SUCCESS; }

int cuModuleLoadData(void** module, const void* image) {
    // The fatbin's machine code cannot run here; the kernels are the ones compiled into this library.
    // Still insist on a fatbin, so a wrong resource shows up.
    uint32_t magic;
    std::memcpy(&magic, image, sizeof magic);
    if (magic != 0xBA55ED50u) {
        return INVALID_VALUE;
    }
    *module = &module_token;
    return SUCCESS;
}

int cuModuleUnload(void* module) { return module == &module_token ? SUCCESS : INVALID_HANDLE; }

int cuModuleGetFunction(void** function, void* module, const char* name) {
    if (module != &module_token) {
        return INVALID_HANDLE;
    }
    auto found = plt_emu::kernels().find(name);
    if (found == plt_emu::kernels().end()) {
        return NOT_FOUND;
    }
    *function = const_cast<plt_emu::Kernel*>(&found->second);
    return SUCCESS;
}

int cuFuncGetAttribute(int* value, int attribute, void*) {
    *value = attribute == FUNCTION_SHARED_SIZE ? 256 : 0;
    return SUCCESS;
}

int cuFuncSetAttribute(void*, int, int) { return SUCCESS; }

int cuMemAlloc_v2(unsigned long long* address, size_t bytes) {
    void* p = std::aligned_alloc(256, (bytes + 255) / 256 * 256);
    if (p == nullptr) {
        return OUT_OF_MEMORY;
    }
    std::memset(p, 0xFF, bytes);  // fresh device memory is not zero: make reads of it show
    std::lock_guard<std::mutex> guard(lock);
    allocations.insert(p);
    *address = reinterpret_cast<unsigned long long>(p);
    return SUCCESS;
}

int cuMemFree_v2(unsigned long long address) {
    std::lock_guard<std::mutex> guard(lock);
    void* p = reinterpret_cast<void*>(address);
    if (allocations.erase(p) == 0) {
        return INVALID_VALUE;
    }
    std::free(p);
    return SUCCESS;
}

int cuMemcpyHtoD_v2(unsigned long long dst, const void* src, size_t bytes) {
    std::memcpy(reinterpret_cast<void*>(dst), src, bytes);
    return SUCCESS;
}

int cuMemcpyDtoH_v2(void* dst, unsigned long long src, size_t bytes) {
    std::memcpy(dst, reinterpret_cast<const void*>(src), bytes);
    return SUCCESS;
}

int cuMemcpyDtoD_v2(unsigned long long dst, unsigned long long src, size_t bytes) {
    std::memmove(reinterpret_cast<void*>(dst), reinterpret_cast<const void*>(src), bytes);
    return SUCCESS;
}

int cuMemsetD8_v2(unsigned long long dst, unsigned char value, size_t bytes) {
    std::memset(reinterpret_cast<void*>(dst), value, bytes);
    return SUCCESS;
}

int cuLaunchKernel(void* function, unsigned grid_x, unsigned grid_y, unsigned grid_z, unsigned block_x,
                   unsigned block_y, unsigned block_z, unsigned shared_bytes, void* stream, void** params,
                   void** extra) {
    const plt_emu::Kernel* kernel = kernel_of(function);
    if (kernel == nullptr || stream != nullptr || extra != nullptr || params == nullptr) {
        return INVALID_VALUE;
    }
    try {
        plt_emu::launch(dim3(grid_x, grid_y, grid_z), dim3(block_x, block_y, block_z), shared_bytes,
                        [&] { kernel->call_params(params); });
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fake libcuda: %s\n", e.what());
        return LAUNCH_FAILED;
    }
    return SUCCESS;
}

}  // extern "C"
