// Reductions of engine.Backend in engine.ReduceChunk order (chunk_sums), so
// sums, means, batch-norm statistics and gradients are engine/cpu's bits,
// and the global gradient norm of ClipScale in double with warp shuffles.

#define GENXAI_REDUCE_THREADS 256

// reduce_rows is Backend.Reduce for inner = 1: one block per row of axis
// contiguous values. op: 0 sum, 1 mean, 2 max (a NaN wins).
extern "C" __global__ void __launch_bounds__(GENXAI_REDUCE_THREADS)
reduce_rows(const float* x, float* y, int outer, i64 axis, int op) {
  __shared__ float sh[GENXAI_REDUCE_THREADS];
  for (int o = blockIdx.x; o < outer; o += gridDim.x) {
    const float* row = x + (i64)o * axis;
    if (op == 2) {  // max is order-free up to ties, which keep the first
      float m = -__int_as_float(0x7f800000);
      bool any = false;
      for (i64 a = threadIdx.x; a < axis; a += blockDim.x) { m = any ? maxnan(m, row[a]) : row[a]; any = true; }
      // A thread with no value contributes -inf, which never replaces a value.
      m = block_max(m, sh);
      if (threadIdx.x == 0) y[o] = m;
      continue;
    }
    float s;
    chunk_sums<1>(axis, [&](i64 t, float* v) { v[0] = row[t]; }, sh, &s);
    if (threadIdx.x == 0) y[o] = op == 1 ? s / (float)axis : s;
  }
}

// reduce_cols is Backend.Reduce for inner > 1: block (32, 8) covers 32
// adjacent outputs; its 8 rows of threads sum 8 chunks of the axis at a
// time, and row 0 adds the chunk sums in order.
extern "C" __global__ void __launch_bounds__(GENXAI_REDUCE_THREADS)
reduce_cols(const float* x, float* y, int outer, i64 axis, i64 inner, int op) {
  __shared__ float sh[8][32];
  const i64 j = (i64)blockIdx.x * 32 + threadIdx.x;
  const i64 chunks = (axis + GENXAI_REDUCE_CHUNK - 1) / GENXAI_REDUCE_CHUNK;
  for (int o = blockIdx.y; o < outer; o += gridDim.y) {
    const float* base = x + (i64)o * axis * inner + j;
    float total = 0.0f;
    bool first = true;
    for (i64 g = 0; g < chunks; g += 8) {
      const i64 c = g + threadIdx.y;
      if (c < chunks && j < inner) {
        const i64 end = i64min((c + 1) * GENXAI_REDUCE_CHUNK, axis);
        i64 a = c * GENXAI_REDUCE_CHUNK;
        float part = op == 2 ? base[a * inner] : 0.0f;
        for (a += op == 2; a < end; a++) part = op == 2 ? maxnan(part, base[a * inner]) : part + base[a * inner];
        sh[threadIdx.y][threadIdx.x] = part;
      }
      __syncthreads();
      if (threadIdx.y == 0 && j < inner) {
        const i64 m = i64min(8, chunks - g);
        for (i64 k = 0; k < m; k++) {
          const float p = sh[k][threadIdx.x];
          total = op == 2 ? (first ? p : maxnan(total, p)) : total + p;
          first = false;
        }
      }
      __syncthreads();
    }
    if (threadIdx.y == 0 && j < inner) y[(i64)o * inner + j] = op == 1 ? total / (float)axis : total;
  }
}

// bn_stats is Backend.BatchNormStats: one block per channel of x [n, c, s];
// the channel's n·s values in order, mean then biased variance around it.
extern "C" __global__ void __launch_bounds__(GENXAI_REDUCE_THREADS)
bn_stats(const float* x, int n, int c, int s, float* mean, float* var) {
  __shared__ float sh[GENXAI_REDUCE_THREADS];
  const i64 count = (i64)n * s;
  for (int ch = blockIdx.x; ch < c; ch += gridDim.x) {
    auto at = [&](i64 t) { return x[((t / s) * c + ch) * (i64)s + t % s]; };
    float sum, sq;
    chunk_sums<1>(count, [&](i64 t, float* v) { v[0] = at(t); }, sh, &sum);
    const float mu = sum / (float)count;
    chunk_sums<1>(count, [&](i64 t, float* v) { const float d = at(t) - mu; v[0] = d * d; }, sh, &sq);
    if (threadIdx.x == 0) { mean[ch] = mu; var[ch] = sq / (float)count; }
  }
}

// bn_grad is Backend.BatchNormGrad: one block per channel; Σdy and
// Σdy·x̂ in order, then dx, and dγ += Σdy·x̂, dβ += Σdy.
extern "C" __global__ void __launch_bounds__(GENXAI_REDUCE_THREADS)
bn_grad(const float* dy, const float* x, const float* mean, const float* rstd, const float* gamma, int n, int c,
        int s, float* dx, float* dgamma, float* dbeta) {
  __shared__ float sh[2 * GENXAI_REDUCE_THREADS];
  const i64 count = (i64)n * s;
  for (int ch = blockIdx.x; ch < c; ch += gridDim.x) {
    const float mu = mean[ch], rs = rstd[ch];
    auto idx = [&](i64 t) { return ((t / s) * c + ch) * (i64)s + t % s; };
    float sums[2];
    chunk_sums<2>(
        count, [&](i64 t, float* v) { const i64 k = idx(t); v[0] = dy[k]; v[1] = dy[k] * ((x[k] - mu) * rs); }, sh,
        sums);
    const float mdy = sums[0] / (float)count, mdx = sums[1] / (float)count;
    const float scale = gamma[ch] * rs;
    for (i64 t = threadIdx.x; t < count; t += blockDim.x) {
      const i64 k = idx(t);
      dx[k] = scale * (dy[k] - mdy - (x[k] - mu) * rs * mdx);
    }
    if (threadIdx.x == 0) { dgamma[ch] += sums[1]; dbeta[ch] += sums[0]; }
  }
}

// clip_sumsq writes, per block, the double sum of squares of its share of
// the gradients: buffer b holds lens[b] values at ptrs[b]; thread t of the
// grid takes elements t, t + grid size, … of each buffer. The grid size is
// fixed (ClipBlocks), so the sum's bits do not depend on the device.
extern "C" __global__ void __launch_bounds__(GENXAI_REDUCE_THREADS)
clip_sumsq(const float* const* ptrs, const i64* lens, int nbuf, double* partial) {
  __shared__ double sh[32];
  const i64 stride = (i64)gridDim.x * blockDim.x;
  double acc = 0.0;
  for (int b = 0; b < nbuf; b++) {
    const float* p = ptrs[b];
    for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < lens[b]; i += stride) {
      const double v = (double)p[i];
      acc += v * v;
    }
  }
  const int lane = threadIdx.x & 31, w = threadIdx.x >> 5;
  acc = warp_sum_d(acc);
  if (lane == 0) sh[w] = acc;
  __syncthreads();
  if (w == 0) {
    acc = lane < (int)(blockDim.x >> 5) ? sh[lane] : 0.0;
    acc = warp_sum_d(acc);
    if (lane == 0) partial[blockIdx.x] = acc;
  }
}

// clip_finish adds the partial sums (one warp), takes the norm and writes
// engine.EncodeClip's three values: the clipping scale, then the norm's
// float64 bits as two float32 bit patterns, high word first.
extern "C" __global__ void clip_finish(const double* partial, int parts, double max_norm, float* out) {
  double acc = 0.0;
  for (int i = threadIdx.x; i < parts; i += 32) acc += partial[i];
  acc = warp_sum_d(acc);
  if (threadIdx.x == 0) {
    const double norm = sqrt(acc);
    float scale = 1.0f;
    if (max_norm > 0.0 && norm > max_norm) scale = (float)(max_norm / (norm + 1e-6));
    const i64 bits = __double_as_longlong(norm);
    out[0] = scale;
    out[1] = __int_as_float((int)(bits >> 32));
    out[2] = __int_as_float((int)(bits & 0xffffffff));
  }
}
