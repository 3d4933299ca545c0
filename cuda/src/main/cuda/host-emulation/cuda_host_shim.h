// Runs the project's CUDA kernels as plain C++ on the CPU, so their logic is tested on machines without a
// GPU (the replay of HostReplayParityTest, the stand-in driver of FakeDriverTest). It is a test harness, not
// a CUDA implementation: it supports exactly what plt_kernels.cu uses.
//
// Model: blocks run one after another; the threads of a block are fibers on one OS thread (fibers.h), so
// __syncthreads() is a barrier of the block's fibers and a warp shuffle exchanges values through a
// per-warp mailbox between two barriers of the warp's 32 fibers. A barrier that some threads never reach
// is reported as a deadlock. `__shared__` variables become function statics, which is right because only
// one block runs at a time. Dynamic shared memory is a per-block buffer filled with 0xFF bytes (NaN as
// floats) so that reading memory a kernel never wrote shows up in results.
// What it cannot show: races between blocks, memory-ordering bugs, launch limits of real hardware.
#pragma once
#define PLT_HOST_EMULATION 1

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "fibers.h"

struct dim3 {
    unsigned x, y, z;
    dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};

namespace plt_emu {

struct ThreadState {
    dim3 thread{0, 0, 0};
    dim3 block{0, 0, 0};
    dim3 block_dim;
    dim3 grid_dim;
};

// A barrier among some fibers of the block: the whole block (__syncthreads) or one warp (shuffles).
struct Barrier {
    std::vector<unsigned> members;  // fiber indices
    unsigned arrived = 0;
};

// The block being run: its fibers (one per CUDA thread), their barriers, its dynamic shared memory.
class Block {
public:
    void run(dim3 block_index, dim3 grid, dim3 block, size_t shared_bytes, const std::function<void()>& body) {
        const unsigned threads = block.x;
        while (fibers_.size() < threads) {
            fibers_.push_back(std::make_unique<Fiber>());
        }
        states_.assign(threads, ThreadState{});
        whole_.members.clear();
        whole_.arrived = 0;
        warps_.assign(threads / 32, Barrier{});
        for (unsigned t = 0; t < threads; ++t) {
            states_[t] = ThreadState{dim3(t, 0, 0), block_index, block, grid};
            whole_.members.push_back(t);
            warps_[t / 32].members.push_back(t);
            fibers_[t]->prepare(&body, &scheduler_sp_);
            fibers_[t]->waiting = false;
        }
        dynamic_shared.assign(shared_bytes + 16, 0xFF);
        for (unsigned live = threads; live > 0;) {
            bool progressed = false;
            for (unsigned t = 0; t < threads; ++t) {
                Fiber& f = *fibers_[t];
                if (f.finished || f.waiting) {
                    continue;
                }
                running_ = t;
                plt_fiber_switch(&scheduler_sp_, f.sp);
                progressed = true;
                if (f.finished) {
                    --live;
                    // A finished thread no longer holds back the barriers it belongs to.
                    release_if_complete(whole_);
                    release_if_complete(warps_[t / 32]);
                }
            }
            if (!progressed) {
                throw std::runtime_error("emulated kernel deadlocked: threads wait at different barriers");
            }
        }
    }

    const ThreadState& state() const { return states_[running_]; }

    // The running thread waits at `barrier` until every unfinished member has arrived.
    void arrive_and_wait(Barrier& barrier) {
        Fiber& self = *fibers_[running_];
        self.waiting = true;
        ++barrier.arrived;
        release_if_complete(barrier);
        plt_fiber_switch(&self.sp, scheduler_sp_);
    }

    void sync_block() { arrive_and_wait(whole_); }
    void sync_warp() { arrive_and_wait(warps_[running_ / 32]); }

    unsigned long long* mailbox() { return mailbox_[running_ / 32]; }
    unsigned lane() const { return running_ & 31; }

    std::vector<unsigned char> dynamic_shared;

private:
    void release_if_complete(Barrier& barrier) {
        unsigned unfinished = 0;
        for (unsigned m : barrier.members) {
            unfinished += fibers_[m]->finished ? 0 : 1;
        }
        if (barrier.arrived > 0 && barrier.arrived >= unfinished) {
            for (unsigned m : barrier.members) {
                fibers_[m]->waiting = false;
            }
            barrier.arrived = 0;
        }
    }

    std::vector<std::unique_ptr<Fiber>> fibers_;
    std::vector<ThreadState> states_;
    Barrier whole_;
    std::vector<Barrier> warps_;
    unsigned long long mailbox_[32][32];
    unsigned running_ = 0;
    void* scheduler_sp_ = nullptr;
};

inline Block& block_runner() {
    static Block block;
    return block;
}

// Runs `body` (which calls the kernel) for every thread of every block, one block at a time. Not
// reentrant: one launch at a time (the fake driver and the replay launch from one thread).
inline void launch(dim3 grid, dim3 block, size_t shared_bytes, const std::function<void()>& body) {
    if (block.y != 1 || block.z != 1 || block.x == 0 || block.x % 32 != 0 || block.x > 1024) {
        throw std::runtime_error("emulated kernels need 1-D blocks of a multiple of 32 threads, <= 1024");
    }
    static std::mutex one_launch_at_a_time;
    std::lock_guard<std::mutex> guard(one_launch_at_a_time);
    for (unsigned bz = 0; bz < grid.z; ++bz) {
        for (unsigned by = 0; by < grid.y; ++by) {
            for (unsigned bx = 0; bx < grid.x; ++bx) {
                block_runner().run(dim3(bx, by, bz), grid, block, shared_bytes, body);
            }
        }
    }
}

// A warp shuffle: every lane posts its value, the warp meets, each lane reads its source lane's value,
// and the warp meets again before the mailbox is reused.
template <typename T>
T exchange(T value, unsigned source_lane) {
    static_assert(sizeof(T) <= sizeof(unsigned long long), "shuffle of a wide type");
    Block& b = block_runner();
    unsigned long long* box = b.mailbox();
    std::memcpy(&box[b.lane()], &value, sizeof(T));
    b.sync_warp();
    T result;
    std::memcpy(&result, &box[source_lane & 31], sizeof(T));
    b.sync_warp();
    return result;
}

}  // namespace plt_emu

#define threadIdx (plt_emu::block_runner().state().thread)
#define blockIdx (plt_emu::block_runner().state().block)
#define blockDim (plt_emu::block_runner().state().block_dim)
#define gridDim (plt_emu::block_runner().state().grid_dim)

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static
#define __align__(n) alignas(n)
#define PLT_DYNAMIC_SHARED(type, name) \
    type* name = reinterpret_cast<type*>(plt_emu::block_runner().dynamic_shared.data())

inline void __syncthreads() { plt_emu::block_runner().sync_block(); }

template <typename T>
T __shfl_xor_sync(unsigned, T value, int lane_mask) {
    return plt_emu::exchange(value, (threadIdx.x & 31) ^ static_cast<unsigned>(lane_mask));
}

template <typename T>
T __shfl_up_sync(unsigned, T value, unsigned delta) {
    const unsigned lane = threadIdx.x & 31;
    // A lane below `delta` reads its own value, as on the GPU.
    return plt_emu::exchange(value, lane >= delta ? lane - delta : lane);
}

using std::max;
using std::min;

// bfloat16 as raw bits, converted like cuda_bf16.h: widening is exact, narrowing rounds to nearest even.
struct __nv_bfloat16 {
    unsigned short bits;
};

inline float __bfloat162float(__nv_bfloat16 h) {
    const uint32_t widened = static_cast<uint32_t>(h.bits) << 16;
    float f;
    std::memcpy(&f, &widened, sizeof f);
    return f;
}

inline __nv_bfloat16 __float2bfloat16(float f) {
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    if (std::isnan(f)) {
        return {static_cast<unsigned short>((bits >> 16) | 0x40)};
    }
    bits += 0x7FFF + ((bits >> 16) & 1);
    return {static_cast<unsigned short>(bits >> 16)};
}
