// The CPU harness: runs genxai's CUDA kernels (units.inc, the .cu text)
// under cudacpu.h, driven over stdin/stdout by the Go test (harness_test.go).
//
// Request (little-endian): u32 name length, name, u32 grid[3], u32 block[3],
// u32 reverse, u32 argument count, then per argument a tag byte and its data:
//   'f' u64 n, n floats      'd' u64 n, n doubles      'l' u64 n, n int64
//   'p' u32 k, k × ('f' data) (a table of float buffers)
//   'i' int32  'I' int64  'u' uint32  's' float  'D' double
// Reply: u32 0 then every 'f', 'd' and 'p' buffer's values in order, or u32
// length and an error message.
#include "cudacpu.h"

#include <string>

#include "units.inc"

namespace {

struct Arg {
  char tag = 0;
  std::vector<float> f;
  std::vector<double> d;
  std::vector<long long> l;
  std::vector<std::vector<float>> tab;
  std::vector<const float*> ptrs;
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
template <class T>
std::vector<T> vec() {
  std::vector<T> v(get<uint64_t>());
  read(v.data(), v.size() * sizeof(T));
  return v;
}
template <class T>
void put(const std::vector<T>& v) {
  std::fwrite(v.data(), sizeof(T), v.size(), stdout);
}

// F, D, L and P return a buffer argument as the kernel's pointer type.
struct Args {
  std::vector<Arg> a;
  float* F(int k) { return a.at(k).f.data(); }
  double* D(int k) { return a.at(k).d.data(); }
  long long* L(int k) { return a.at(k).l.data(); }
  const float* const* P(int k) { return a.at(k).ptrs.data(); }
};

#include "dispatch.inc"

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
    args.a.resize(get<uint32_t>());
    for (Arg& x : args.a) {
      x.tag = get<char>();
      switch (x.tag) {
        case 'f': x.f = vec<float>(); break;
        case 'd': x.d = vec<double>(); break;
        case 'l': x.l = vec<long long>(); break;
        case 'p':
          x.tab.resize(get<uint32_t>());
          for (auto& t : x.tab) { get<char>(); t = vec<float>(); x.ptrs.push_back(t.data()); }
          break;
        case 'i': x.i = get<int32_t>(); break;
        case 'I': x.I = get<int64_t>(); break;
        case 'u': x.u = get<uint32_t>(); break;
        case 's': x.s = get<float>(); break;
        case 'D': x.D = get<double>(); break;
        default: std::fprintf(stderr, "harness: unknown argument tag %d\n", x.tag); return 2;
      }
    }
    std::function<void()> k = dispatch(name, args);
    if (!k) {
      const std::string msg = "harness: no kernel " + name;
      const uint32_t n = msg.size();
      std::fwrite(&n, 4, 1, stdout);
      std::fwrite(msg.data(), 1, n, stdout);
      std::fflush(stdout);
      continue;
    }
    cudacpu::launch(cudacpu::dim3(g[0], g[1], g[2]), cudacpu::dim3(b[0], b[1], b[2]), reverse, k);
    const uint32_t ok = 0;
    std::fwrite(&ok, 4, 1, stdout);
    for (Arg& x : args.a) {
      if (x.tag == 'f') put(x.f);
      if (x.tag == 'd') put(x.d);
      if (x.tag == 'p')
        for (auto& t : x.tab) put(t);
    }
    std::fflush(stdout);
  }
}
