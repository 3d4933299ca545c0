// Replays an operation log written by the Java side's recording device (RecordingGpu, in the tests)
// against the real kernel sources compiled for the CPU (cuda_host_shim.h), with cuBLAS's GemmEx
// emulated from its documented column-major semantics. Downloads are written, in order, to the output
// file, where the test compares them with the CPU engine's logits.
//
//   replay OPLOG OUT
//
// The log starts with "PLTOPS01", the arena base address and size. Device addresses in the log (and in
// the pointer tables it uploads) are real addresses inside that arena, which is mapped at the same base
// here, so no pointer is ever translated.
#include "emulated_gemm.h"
#include "emulated_kernels.h"

#include <sys/mman.h>

#include <cstdio>
#include <string>

namespace {

using plt_emu::ArgType;

enum Op : uint32_t { UPLOAD = 1, COPY = 2, ZERO = 3, LAUNCH = 4, GEMM = 5, DOWNLOAD = 6, END = 7 };

struct Reader {
    FILE* file;
    template <typename T>
    T read() {
        T value;
        if (std::fread(&value, sizeof value, 1, file) != 1) {
            throw std::runtime_error("operation log ends early");
        }
        return value;
    }
    void bytes(void* dst, size_t n) {
        if (n != 0 && std::fread(dst, 1, n, file) != n) {
            throw std::runtime_error("operation log ends early");
        }
    }
};

void gemm(Reader& in) {
    const auto trans_a = in.read<int32_t>();
    const auto trans_b = in.read<int32_t>();
    const auto m = in.read<int32_t>();
    const auto n = in.read<int32_t>();
    const auto k = in.read<int32_t>();
    const auto alpha = in.read<float>();
    const auto a = reinterpret_cast<const void*>(in.read<uint64_t>());
    const auto a_type = in.read<int32_t>();
    const auto lda = in.read<int32_t>();
    const auto b = reinterpret_cast<const void*>(in.read<uint64_t>());
    const auto b_type = in.read<int32_t>();
    const auto ldb = in.read<int32_t>();
    const auto beta = in.read<float>();
    const auto c = reinterpret_cast<void*>(in.read<uint64_t>());
    const auto c_type = in.read<int32_t>();
    const auto ldc = in.read<int32_t>();
    plt_emu::gemm_ex(trans_a, trans_b, m, n, k, alpha, a, a_type, lda, b, b_type, ldb, beta, c, c_type, ldc);
}

void launch(Reader& in) {
    const auto name_length = in.read<uint32_t>();
    std::string name(name_length, '\0');
    in.bytes(name.data(), name_length);
    const auto grid_x = in.read<uint32_t>();
    const auto grid_y = in.read<uint32_t>();
    const auto block_x = in.read<uint32_t>();
    const auto shared_bytes = in.read<uint32_t>();
    const auto argc = in.read<uint32_t>();
    std::vector<uint64_t> raw(argc);
    std::vector<ArgType> types(argc);
    for (uint32_t i = 0; i < argc; ++i) {
        types[i] = static_cast<ArgType>(in.read<uint32_t>());
        raw[i] = in.read<uint64_t>();
    }
    const auto found = plt_emu::kernels().find(name);
    if (found == plt_emu::kernels().end()) {
        throw std::runtime_error("no kernel named " + name);
    }
    if (found->second.signature != types) {
        throw std::runtime_error("argument types of the launch do not match the kernel's parameters: " + name);
    }
    if (grid_x == 0 || grid_y == 0) {
        return;
    }
    plt_emu::launch(dim3(grid_x, grid_y), dim3(block_x), shared_bytes, [&] { found->second.call_raw(raw); });
}

void run(const char* log_path, const char* out_path) {
    FILE* log = std::fopen(log_path, "rb");
    FILE* out = std::fopen(out_path, "wb");
    if (log == nullptr || out == nullptr) {
        throw std::runtime_error("cannot open the operation log or the output file");
    }
    Reader in{log};
    char magic[8];
    in.bytes(magic, sizeof magic);
    if (std::memcmp(magic, "PLTOPS01", 8) != 0) {
        throw std::runtime_error("not an operation log");
    }
    const auto base = in.read<uint64_t>();
    const auto size = in.read<uint64_t>();
    void* arena = mmap(reinterpret_cast<void*>(base), size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (arena != reinterpret_cast<void*>(base)) {
        throw std::runtime_error("cannot map the device arena at its recorded address");
    }
    std::memset(arena, 0xFF, size);  // fresh device memory is not zero; make reads of it show
    std::vector<unsigned char> buffer;
    for (;;) {
        const auto op = in.read<uint32_t>();
        if (op == END) {
            break;
        }
        switch (op) {
            case UPLOAD: {
                const auto dst = in.read<uint64_t>();
                const auto n = in.read<uint64_t>();
                in.bytes(reinterpret_cast<void*>(dst), n);
                break;
            }
            case COPY: {
                const auto dst = in.read<uint64_t>();
                const auto src = in.read<uint64_t>();
                const auto n = in.read<uint64_t>();
                std::memmove(reinterpret_cast<void*>(dst), reinterpret_cast<const void*>(src), n);
                break;
            }
            case ZERO: {
                const auto dst = in.read<uint64_t>();
                const auto n = in.read<uint64_t>();
                std::memset(reinterpret_cast<void*>(dst), 0, n);
                break;
            }
            case LAUNCH:
                launch(in);
                break;
            case GEMM:
                gemm(in);
                break;
            case DOWNLOAD: {
                const auto src = in.read<uint64_t>();
                const auto n = in.read<uint64_t>();
                std::fwrite(reinterpret_cast<const void*>(src), 1, n, out);
                break;
            }
            default:
                throw std::runtime_error("unknown operation " + std::to_string(op));
        }
    }
    std::fclose(out);
    std::fclose(log);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: replay OPLOG OUT\n");
        return 2;
    }
    try {
        run(argv[1], argv[2]);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "replay: %s\n", e.what());
        return 1;
    }
    return 0;
}
