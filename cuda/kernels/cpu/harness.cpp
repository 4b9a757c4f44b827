// The CPU harness: runs genxai's CUDA kernels (units.inc, the .cu text)
// under cudacpu.h, driven over stdin/stdout by kernels.Harness (harness.go).
//
// Device memory is a list of allocations sent with each request; a pointer
// argument is an allocation and a byte offset into it, so arguments that
// point into one allocation alias as they do on a device.
//
// Request (little-endian): u32 name length, name, u32 grid[3], u32 block[3],
// u32 reverse, u32 allocation count, per allocation u64 bytes and its bytes,
// u32 argument count, then per argument a tag byte and its data:
//   'a' u32 allocation, u64 byte offset (a pointer)
//   'p' u32 k, k × (u32 allocation, u64 offset) (a device table of pointers)
// where allocation 0xffffffff is a null pointer.
//   'i' int32  'I' int64  'u' uint32  's' float  'D' double
// Reply: u32 0 then every allocation's bytes in order, or u32 length and an
// error message.
#include "cudacpu.h"

#include <string>

#include "units.inc"

namespace {

using Alloc = std::vector<unsigned char>;

struct Arg {
  char tag = 0;
  void* ptr = nullptr;
  std::vector<const float*> table;
  int32_t i = 0;
  int64_t I = 0;
  uint32_t u = 0;
  float s = 0;
  double D = 0;
};

void read(void* p, size_t n) {
  if (n && std::fread(p, 1, n, stdin) != n) std::exit(0);  // the driver closed the pipe
}
template <class T>
T get() {
  T v;
  read(&v, sizeof v);
  return v;
}

// Args holds a request's memory and arguments; F, D, L and P return a
// pointer argument as the kernel's parameter type.
struct Args {
  std::vector<Alloc> mem;
  std::vector<Arg> a;
  std::string err;  // the first bad pointer, if any

  // at is the address of offset off in allocation k.
  unsigned char* at(uint32_t k, uint64_t off) {
    if (k >= mem.size() || off > mem[k].size()) {
      if (err.empty())
        err = "harness: pointer to offset " + std::to_string(off) + " of allocation " + std::to_string(k) +
              " outside the " + std::to_string(mem.size()) + " allocations sent";
      return nullptr;
    }
    return mem[k].empty() ? nullptr : mem[k].data() + off;
  }
  float* F(int k) { return static_cast<float*>(a.at(k).ptr); }
  double* D(int k) { return static_cast<double*>(a.at(k).ptr); }
  long long* L(int k) { return static_cast<long long*>(a.at(k).ptr); }
  const float* const* P(int k) { return a.at(k).table.data(); }
};

#include "dispatch.inc"

void fail_request(const std::string& msg) {
  const uint32_t n = msg.size();
  std::fwrite(&n, 4, 1, stdout);
  std::fwrite(msg.data(), 1, n, stdout);
  std::fflush(stdout);
}

}  // namespace

int main() {
  for (;;) {
    std::string name(get<uint32_t>(), '\0');
    read(name.data(), name.size());
    uint32_t g[3], b[3];
    for (auto& x : g) x = get<uint32_t>();
    for (auto& x : b) x = get<uint32_t>();
    const bool reverse = get<uint32_t>() != 0;
    Args args;
    args.mem.resize(get<uint32_t>());
    for (Alloc& m : args.mem) {
      m.resize(get<uint64_t>());
      read(m.data(), m.size());
    }
    args.a.resize(get<uint32_t>());
    for (Arg& x : args.a) {
      x.tag = get<char>();
      switch (x.tag) {
        case 'a': {
          const uint32_t k = get<uint32_t>();
          const uint64_t off = get<uint64_t>();
          x.ptr = k == 0xffffffffu ? nullptr : args.at(k, off);
          break;
        }
        case 'p':
          x.table.resize(get<uint32_t>());
          for (auto& t : x.table) {
            const uint32_t k = get<uint32_t>();
            const uint64_t off = get<uint64_t>();
            t = k == 0xffffffffu ? nullptr : reinterpret_cast<const float*>(args.at(k, off));
          }
          break;
        case 'i': x.i = get<int32_t>(); break;
        case 'I': x.I = get<int64_t>(); break;
        case 'u': x.u = get<uint32_t>(); break;
        case 's': x.s = get<float>(); break;
        case 'D': x.D = get<double>(); break;
        default: std::fprintf(stderr, "harness: unknown argument tag %d\n", x.tag); return 2;
      }
    }
    if (!args.err.empty()) {
      fail_request(args.err + " (kernel " + name + ")");
      continue;
    }
    std::function<void()> k = dispatch(name, args);
    if (!k) {
      fail_request("harness: no kernel " + name);
      continue;
    }
    cudacpu::launch(cudacpu::dim3(g[0], g[1], g[2]), cudacpu::dim3(b[0], b[1], b[2]), reverse, k);
    const uint32_t ok = 0;
    std::fwrite(&ok, 4, 1, stdout);
    for (const Alloc& m : args.mem) std::fwrite(m.data(), 1, m.size(), stdout);
    std::fflush(stdout);
  }
}
