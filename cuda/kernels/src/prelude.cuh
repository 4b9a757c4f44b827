// genxai CUDA prelude: the few helpers every kernel unit uses, written out so
// that no CUDA header is needed (Debian's NVRTC cannot open cuda_fp16.h).
// The Go package prepends "#define GENXAI_REDUCE_CHUNK <engine.ReduceChunk>"
// and this text to every unit; the include guard lets the CPU harness
// concatenate several units into one translation unit.
#ifndef GENXAI_PRELUDE
#define GENXAI_PRELUDE

typedef long long i64;
typedef unsigned int u32;
typedef unsigned long long u64;

#define GENXAI_FULL_MASK 0xffffffffu

// GENXAI_GRID_LOOP(i, n) runs its body for i (an i64) over [0, n), one index
// per thread of a one-dimensional launch, grid-strided beyond the grid.
#define GENXAI_GRID_LOOP(i, n) \
  for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (i64)gridDim.x * blockDim.x)

// i64min is the smaller of two indices (CUDA's min overloads need headers).
__device__ __forceinline__ i64 i64min(i64 a, i64 b) { return a < b ? a : b; }

// maxnan is engine/cpu's rowMax step: v replaces m when larger or NaN.
__device__ __forceinline__ float maxnan(float m, float v) { return (v > m || v != v) ? v : m; }

// warp_sum returns the sum of v over the 32 lanes in every lane (butterfly
// over __shfl_xor_sync, so all lanes hold the same bits).
__device__ __forceinline__ float warp_sum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(GENXAI_FULL_MASK, v, o);
  return v;
}

// warp_sum_d is warp_sum in double.
__device__ __forceinline__ double warp_sum_d(double v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(GENXAI_FULL_MASK, v, o);
  return v;
}

// warp_max returns the maxnan of v over the 32 lanes in every lane.
__device__ __forceinline__ float warp_max(float v) {
  for (int o = 16; o > 0; o >>= 1) v = maxnan(v, __shfl_xor_sync(GENXAI_FULL_MASK, v, o));
  return v;
}

// block_reduce combines v over a one-dimensional block (blockDim.x a
// multiple of 32, at most 1024) with the warp reduction warp_op, and returns
// the result in every thread; sh holds 32 floats, identity pads the missing
// warps. Warp results go through sh, then every warp combines them, so all
// threads hold the same bits. The trailing barrier frees sh for reuse.
template <class W>
__device__ __forceinline__ float block_reduce(float v, float* sh, float identity, W warp_op) {
  int lane = threadIdx.x & 31, w = threadIdx.x >> 5;
  v = warp_op(v);
  if (lane == 0) sh[w] = v;
  __syncthreads();
  v = lane < (int)(blockDim.x >> 5) ? sh[lane] : identity;
  v = warp_op(v);
  __syncthreads();
  return v;
}

// block_sum is block_reduce for +.
__device__ __forceinline__ float block_sum(float v, float* sh) {
  return block_reduce(v, sh, 0.0f, [](float x) { return warp_sum(x); });
}

// block_max is block_reduce for maxnan; -inf is its identity.
__device__ __forceinline__ float block_max(float v, float* sh) {
  return block_reduce(v, sh, -__int_as_float(0x7f800000), [](float x) { return warp_max(x); });
}

// chunk_sums computes K sums over count terms in engine.ReduceChunk order,
// bit for bit what engine/cpu's chunkSum gives: each chunk of
// GENXAI_REDUCE_CHUNK consecutive terms is summed sequentially (one thread
// per chunk), and the chunk sums are added in order by thread 0. at(t, v)
// writes term t of each sum into v[0..K). sh holds K·blockDim.x floats; out
// receives the K sums in every thread (one-dimensional block).
template <int K, class F>
__device__ __forceinline__ void chunk_sums(i64 count, F at, float* sh, float* out) {
  const i64 chunks = (count + GENXAI_REDUCE_CHUNK - 1) / GENXAI_REDUCE_CHUNK;
  float total[K];
  for (int k = 0; k < K; k++) total[k] = 0.0f;
  for (i64 g = 0; g < chunks; g += blockDim.x) {
    i64 c = g + threadIdx.x;
    if (c < chunks) {
      float part[K], v[K];
      for (int k = 0; k < K; k++) part[k] = 0.0f;
      i64 end = i64min((c + 1) * GENXAI_REDUCE_CHUNK, count);
      for (i64 t = c * GENXAI_REDUCE_CHUNK; t < end; t++) {
        at(t, v);
        for (int k = 0; k < K; k++) part[k] += v[k];
      }
      for (int k = 0; k < K; k++) sh[k * blockDim.x + threadIdx.x] = part[k];
    }
    __syncthreads();
    if (threadIdx.x == 0) {
      i64 m = i64min((i64)blockDim.x, chunks - g);
      for (i64 j = 0; j < m; j++)
        for (int k = 0; k < K; k++) total[k] += sh[k * blockDim.x + j];
    }
    __syncthreads();
  }
  if (threadIdx.x == 0)
    for (int k = 0; k < K; k++) sh[k] = total[k];
  __syncthreads();
  for (int k = 0; k < K; k++) out[k] = sh[k];
  __syncthreads();
}

#endif  // GENXAI_PRELUDE
