// cudacpu.h: the CUDA built-ins that genxai's kernels use, mapped to C++ so
// the same .cu text runs on the CPU under g++ (and AddressSanitizer). Each
// thread of a block is a fiber (a register/stack switch on x86-64,
// ucontext elsewhere) on one OS thread; a scheduler
// resumes the fibers in forward or reversed order until each blocks on
// __syncthreads, on a warp shuffle or returns. __syncthreads releases when
// every thread of the block waits at it; a shuffle releases when all 32
// lanes of its warp have posted their value, so barriers and the
// __shfl_*_sync exchanges are exact. Divergent barriers, shuffles with a
// partial mask or exited lanes, and deadlocks abort with a message.
// __shared__ variables are function statics: blocks run one at a time.
// Atomics are compare-and-swap loops.
#ifndef GENXAI_CUDACPU_H
#define GENXAI_CUDACPU_H

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <vector>
#include <ucontext.h>
#include <sys/mman.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static
#define __launch_bounds__(...)

namespace cudacpu {

struct dim3 {
  unsigned x, y, z;
  dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};

enum State { Runnable, AtBarrier, AtShuffle, Done };

#if defined(__x86_64__)
// On x86-64 a fiber switch saves the callee-saved registers on the old
// stack and swaps stack pointers: no system call (swapcontext makes one to
// save the signal mask, which dominates the harness's run time).
extern "C" void cudacpu_switch(void** save_sp, void* load_sp);
asm(R"(
.text
.globl cudacpu_switch
.type cudacpu_switch,@function
cudacpu_switch:
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
.size cudacpu_switch, .-cudacpu_switch
)");
struct Context {
  void* sp = nullptr;
};
inline void ctx_swap(Context* from, Context* to) { cudacpu_switch(&from->sp, to->sp); }
// ctx_make prepares c to start fn on the stack [stack, stack + size).
inline void ctx_make(Context* c, char* stack, size_t size, void (*fn)()) {
  uintptr_t top = ((uintptr_t)(stack + size)) & ~(uintptr_t)15;
  void** sp = (void**)top - 8;  // six registers, the return address, padding
  for (int i = 0; i < 6; i++) sp[i] = nullptr;
  sp[6] = (void*)fn;
  sp[7] = nullptr;
  c->sp = sp;
}
#else
struct Context {
  ucontext_t uc;
};
inline void ctx_swap(Context* from, Context* to) { swapcontext(&from->uc, &to->uc); }
inline void ctx_make(Context* c, char* stack, size_t size, void (*fn)()) {
  getcontext(&c->uc);
  c->uc.uc_stack.ss_sp = stack;
  c->uc.uc_stack.ss_size = size;
  c->uc.uc_link = nullptr;
  makecontext(&c->uc, fn, 0);
}
#endif

struct Fiber {
  Context ctx;
  char* stack = nullptr;
  dim3 tid;
  int linear = 0, lane = 0, warp = 0;
  State state = Runnable;
  uint64_t slot[2] = {0, 0};  // posted shuffle values, double-buffered by generation
  uint64_t gen = 0;           // shuffles done
  void* fake = nullptr;       // ASan's fake stack of this fiber
};

constexpr size_t kStack = 256 << 10;

// The running launch (one block at a time).
inline dim3 g_grid, g_block, g_blockIdx;
inline std::vector<Fiber> g_fibers;
inline Fiber* g_cur = nullptr;
inline Context g_sched;
inline std::function<void()> g_kernel;
inline const void* g_sched_bottom = nullptr;
inline size_t g_sched_size = 0;
inline void* g_sched_fake = nullptr;

[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "cudacpu: %s (block %u,%u,%u)\n", what, g_blockIdx.x, g_blockIdx.y, g_blockIdx.z);
  std::exit(3);
}

// to_sched switches from the current fiber back to the scheduler.
inline void to_sched(bool dying) {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_start_switch_fiber(dying ? nullptr : &g_cur->fake, g_sched_bottom, g_sched_size);
#else
  (void)dying;
#endif
  ctx_swap(&g_cur->ctx, &g_sched);
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_finish_switch_fiber(g_cur->fake, &g_sched_bottom, &g_sched_size);
#endif
}

inline void entry() {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_finish_switch_fiber(nullptr, &g_sched_bottom, &g_sched_size);
#endif
  g_kernel();
  g_cur->state = Done;
  to_sched(true);
}

// resume runs fiber f until it blocks or returns.
inline void resume(Fiber& f) {
  g_cur = &f;
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_start_switch_fiber(&g_sched_fake, f.stack, kStack);
#endif
  ctx_swap(&g_sched, &f.ctx);
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_finish_switch_fiber(g_sched_fake, nullptr, nullptr);
#endif
  g_cur = nullptr;
}

// run_block runs every thread of block g_blockIdx to completion.
inline void run_block(bool reverse) {
  const int n = (int)(g_block.x * g_block.y * g_block.z);
  for (int i = 0; i < n; i++) {
    Fiber& f = g_fibers[i];
    f.tid = dim3(i % g_block.x, i / g_block.x % g_block.y, i / (g_block.x * g_block.y));
    f.linear = i;
    f.lane = i & 31;
    f.warp = i >> 5;
    f.state = Runnable;
    f.gen = 0;
    ctx_make(&f.ctx, f.stack, kStack, entry);
  }
  const int warps = (n + 31) / 32;
  for (;;) {
    bool ran = false;
    for (int k = 0; k < n; k++) {
      Fiber& f = g_fibers[reverse ? n - 1 - k : k];
      if (f.state == Runnable) { resume(f); ran = true; }
    }
    if (ran) continue;
    int done = 0, bar = 0;
    for (int i = 0; i < n; i++) {
      done += g_fibers[i].state == Done;
      bar += g_fibers[i].state == AtBarrier;
    }
    if (done == n) return;
    bool released = false;
    for (int w = 0; w < warps; w++) {
      const int lo = w * 32, hi = lo + 32 < n ? lo + 32 : n;
      int at = 0;
      for (int i = lo; i < hi; i++) at += g_fibers[i].state == AtShuffle;
      if (at == 0) continue;
      if (at != 32) {
        for (int i = lo; i < hi; i++)
          if (g_fibers[i].state == Done) fail("warp shuffle while lanes of the warp have exited");
        continue;  // other lanes still at a block barrier: resolved below
      }
      for (int i = lo; i < hi; i++)
        if (g_fibers[i].gen != g_fibers[lo].gen) fail("lanes of a warp are at different shuffles (divergence)");
      for (int i = lo; i < hi; i++) g_fibers[i].state = Runnable;
      released = true;
    }
    if (released) continue;
    if (bar + done == n) {
      if (done > 0) fail("__syncthreads reached by only some threads of the block (the others returned)");
      for (int i = 0; i < n; i++) g_fibers[i].state = Runnable;
      continue;
    }
    fail("deadlock: threads wait at __syncthreads while others wait at a warp shuffle");
  }
}

// launch runs kernel over grid × block, blocks and threads in forward or
// reversed order.
inline void launch(dim3 grid, dim3 block, bool reverse, std::function<void()> kernel) {
  const unsigned n = block.x * block.y * block.z;
  if (n == 0 || n > 1024) fail("block size out of range 1…1024");
  if (g_fibers.size() < n) {
    size_t old = g_fibers.size();
    g_fibers.resize(n);
    for (size_t i = old; i < n; i++) {
      void* p = mmap(nullptr, kStack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (p == MAP_FAILED) fail("cannot map a fiber stack");
      g_fibers[i].stack = (char*)p;
    }
  }
  g_grid = grid;
  g_block = block;
  g_kernel = std::move(kernel);
  const unsigned long long blocks = (unsigned long long)grid.x * grid.y * grid.z;
  for (unsigned long long b = 0; b < blocks; b++) {
    const unsigned long long i = reverse ? blocks - 1 - b : b;
    g_blockIdx = dim3(i % grid.x, i / grid.x % grid.y, i / ((unsigned long long)grid.x * grid.y));
    run_block(reverse);
  }
}

// exchange posts bits for the current shuffle, waits for the warp and
// returns the bits lane src posted (src in 0…31).
inline uint64_t exchange(unsigned mask, uint64_t bits, int src) {
  Fiber* f = g_cur;
  const int n = (int)(g_block.x * g_block.y * g_block.z);
  if (mask != 0xffffffffu || (f->warp + 1) * 32 > n)
    fail("warp shuffle needs the full mask and a full warp of 32 threads");
  const int b = (int)(f->gen & 1);
  f->slot[b] = bits;
  f->state = AtShuffle;
  to_sched(false);
  const uint64_t v = g_fibers[f->warp * 32 + src].slot[b];
  f->gen++;
  return v;
}

template <class T>
inline uint64_t to_bits(T v) {
  uint64_t b = 0;
  std::memcpy(&b, &v, sizeof v);
  return b;
}
template <class T>
inline T from_bits(uint64_t b) {
  T v;
  std::memcpy(&v, &b, sizeof v);
  return v;
}

// shuffle is the common form of the __shfl_*_sync functions: src is the
// lane read within the caller's segment of width lanes, or −1 for its own.
template <class T>
inline T shuffle(unsigned mask, T v, int src) {
  const int lane = g_cur->lane;
  return from_bits<T>(exchange(mask, to_bits(v), src < 0 ? lane : src));
}

}  // namespace cudacpu

#define threadIdx (cudacpu::g_cur->tid)
#define blockIdx (cudacpu::g_blockIdx)
#define blockDim (cudacpu::g_block)
#define gridDim (cudacpu::g_grid)

inline void __syncthreads() {
  cudacpu::g_cur->state = cudacpu::AtBarrier;
  cudacpu::to_sched(false);
}

template <class T>
inline T __shfl_sync(unsigned mask, T v, int src, int width = 32) {
  const int lane = cudacpu::g_cur->lane, base = lane & ~(width - 1);
  return cudacpu::shuffle(mask, v, base + (src & (width - 1)));
}
template <class T>
inline T __shfl_down_sync(unsigned mask, T v, unsigned delta, int width = 32) {
  const int lane = cudacpu::g_cur->lane, base = lane & ~(width - 1);
  const int s = lane - base + (int)delta;
  return cudacpu::shuffle(mask, v, s < width ? base + s : -1);
}
template <class T>
inline T __shfl_up_sync(unsigned mask, T v, unsigned delta, int width = 32) {
  const int lane = cudacpu::g_cur->lane, base = lane & ~(width - 1);
  const int s = lane - base - (int)delta;
  return cudacpu::shuffle(mask, v, s >= 0 ? base + s : -1);
}
template <class T>
inline T __shfl_xor_sync(unsigned mask, T v, int lane_mask, int width = 32) {
  const int lane = cudacpu::g_cur->lane, base = lane & ~(width - 1);
  const int s = lane ^ lane_mask;
  return cudacpu::shuffle(mask, v, s < base + width ? s : -1);
}

inline float __int_as_float(int v) { return cudacpu::from_bits<float>((uint32_t)v); }
inline int __float_as_int(float v) { return (int)(uint32_t)cudacpu::to_bits(v); }
inline long long __double_as_longlong(double v) { return (long long)cudacpu::to_bits(v); }
inline double __longlong_as_double(long long v) { return cudacpu::from_bits<double>((uint64_t)v); }

// Atomics: compare-and-swap loops on the value's bits.
template <class T, class F>
inline T cas_loop(T* p, F f) {
  T old = __atomic_load_n(p, __ATOMIC_SEQ_CST);
  while (!__atomic_compare_exchange_n(p, &old, f(old), false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
  }
  return old;
}
inline int atomicCAS(int* p, int cmp, int val) {
  __atomic_compare_exchange_n(p, &cmp, val, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  return cmp;
}
inline int atomicAdd(int* p, int v) { return cas_loop(p, [v](int o) { return o + v; }); }
inline float atomicAdd(float* p, float v) {
  uint32_t* q = (uint32_t*)p;
  return cudacpu::from_bits<float>(
      cas_loop(q, [v](uint32_t o) { return (uint32_t)cudacpu::to_bits(cudacpu::from_bits<float>(o) + v); }));
}
inline double atomicAdd(double* p, double v) {
  uint64_t* q = (uint64_t*)p;
  return cudacpu::from_bits<double>(
      cas_loop(q, [v](uint64_t o) { return cudacpu::to_bits(cudacpu::from_bits<double>(o) + v); }));
}
inline int atomicMax(int* p, int v) { return cas_loop(p, [v](int o) { return o > v ? o : v; }); }

#endif  // GENXAI_CUDACPU_H
