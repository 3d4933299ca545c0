// Cooperative threads for the kernel emulation: every CUDA thread of a block is a fiber on one OS thread,
// and a barrier (__syncthreads, a warp shuffle) is a switch back to the block's scheduler. No system
// call per barrier, so emulated kernels run at the speed of their arithmetic, and a run is deterministic:
// between barriers, threads run one after another in index order.
//
// The stack switch is the x86-64 System V one: save the callee-saved registers and the stack pointer,
// load the other fiber's. Nothing else is saved: the kernels do not change the floating-point control
// state. A fiber's stack is an mmap'd region with a guard page below it, so an overflow faults at once.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <vector>

#if !defined(__x86_64__)
#error "the kernel emulation's fibers are written for x86-64"
#endif

extern "C" void plt_fiber_switch(void** save_sp, void* load_sp);
extern "C" void plt_fiber_trampoline();

// plt_fiber_switch(save, load): push the callee-saved registers, store rsp to *save, load rsp from `load`,
// pop the other fiber's registers, return into it. A new fiber's stack is prepared to "return" into the
// trampoline with the Fiber* in rbx, which calls plt_fiber_main(Fiber*); that never returns.
asm(R"(
    .text
    .p2align 4
    .type plt_fiber_switch, @function
plt_fiber_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size plt_fiber_switch, .-plt_fiber_switch

    .p2align 4
    .type plt_fiber_trampoline, @function
plt_fiber_trampoline:
    movq %rbx, %rdi
    call plt_fiber_main
    ud2
    .size plt_fiber_trampoline, .-plt_fiber_trampoline
)");

namespace plt_emu {

// One fiber: its stack, its saved stack pointer while suspended, and what it runs.
struct Fiber {
    static constexpr size_t STACK_BYTES = 256 * 1024;
    static constexpr size_t GUARD_BYTES = 4096;

    Fiber() {
        void* region = mmap(nullptr, STACK_BYTES + GUARD_BYTES, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (region == MAP_FAILED) {
            throw std::runtime_error("cannot map a fiber stack");
        }
        mprotect(region, GUARD_BYTES, PROT_NONE);
        base = static_cast<unsigned char*>(region);
    }
    ~Fiber() { munmap(base, STACK_BYTES + GUARD_BYTES); }
    Fiber(const Fiber&) = delete;
    Fiber& operator=(const Fiber&) = delete;

    // Makes the fiber start `run` from the top of its stack at its next switch-in.
    void prepare(const std::function<void()>* run, void** scheduler_sp) {
        body = run;
        scheduler = scheduler_sp;
        finished = false;
        auto top = reinterpret_cast<uintptr_t>(base + GUARD_BYTES + STACK_BYTES) & ~uintptr_t(15);
        // Frame popped by plt_fiber_switch: r15 r14 r13 r12 rbx rbp, then the return address. After the
        // `ret`, rsp = top, 16-byte aligned, as the trampoline's `call` needs.
        auto* frame = reinterpret_cast<void**>(top) - 7;
        for (int i = 0; i < 6; ++i) {
            frame[i] = nullptr;
        }
        frame[4] = this;  // rbx
        frame[6] = reinterpret_cast<void*>(&plt_fiber_trampoline);
        sp = frame;
    }

    void* sp = nullptr;
    void** scheduler = nullptr;
    const std::function<void()>* body = nullptr;
    bool finished = false;
    bool waiting = false;
    unsigned char* base = nullptr;
};

}  // namespace plt_emu

// Where a new fiber starts (called from the trampoline). Internal linkage with a C name, kept although
// only the assembly above calls it.
extern "C" {
__attribute__((used)) static void plt_fiber_main(plt_emu::Fiber* fiber) {
    (*fiber->body)();
    fiber->finished = true;
    void* unused;
    plt_fiber_switch(&unused, *fiber->scheduler);  // never switched back to
}
}
