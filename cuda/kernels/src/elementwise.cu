// Elementwise kernels of engine.Backend: strided copies, Philox fills, the
// optimizer steps, running statistics and the batch-norm apply. Every one
// is a grid-stride loop over independent outputs in the operation order of
// engine/cpu, so with --fmad=false the results are engine/cpu's bits.

// strided_copy is Backend.Strided: for every index (i0..i3) below d,
// dst[doff + Σ ik·tk] = (or, add ≠ 0, +=) src[soff + Σ ik·sk].
extern "C" __global__ void strided_copy(const float* src, float* dst, int d0, int d1, int d2, int d3,
                                        i64 s0, i64 s1, i64 s2, i64 s3, i64 t0, i64 t1, i64 t2, i64 t3,
                                        i64 soff, i64 doff, int add) {
  const i64 n = (i64)d0 * d1 * d2 * d3;
  for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)gridDim.x * blockDim.x) {
    i64 r = i;
    const i64 i3 = r % d3; r /= d3;
    const i64 i2 = r % d2; r /= d2;
    const i64 i1 = r % d1;
    const i64 i0 = r / d1;
    const float v = src[soff + i0 * s0 + i1 * s1 + i2 * s2 + i3 * s3];
    float* y = dst + doff + i0 * t0 + i1 * t1 + i2 * t2 + i3 * t3;
    if (add) *y += v; else *y = v;
  }
}

// philox4x32 is engine.Philox4x32: ten rounds, the key bumped between rounds.
__device__ __forceinline__ void philox4x32(u32 c[4], u32 k0, u32 k1) {
  for (int r = 0; r < 10; r++) {
    if (r > 0) { k0 += 0x9E3779B9u; k1 += 0xBB67AE85u; }
    const u64 p0 = (u64)0xD2511F53u * c[0], p1 = (u64)0xCD9E8D57u * c[2];
    const u32 hi0 = (u32)(p0 >> 32), lo0 = (u32)p0, hi1 = (u32)(p1 >> 32), lo1 = (u32)p1;
    const u32 n0 = hi1 ^ c[1] ^ k0, n2 = hi0 ^ c[3] ^ k1;
    c[0] = n0; c[1] = lo1; c[2] = n2; c[3] = lo0;
  }
}

// word returns w[q] by selection, so the block stays in registers.
__device__ __forceinline__ u32 word(const u32 w[4], int q) {
  return q == 0 ? w[0] : q == 1 ? w[1] : q == 2 ? w[2] : w[3];
}

// random_value is engine.RandomValue for element i of its block w.
__device__ __forceinline__ float random_value(int kind, const u32 w[4], i64 i, double a, double b) {
  const int q = (int)(i & 3);
  if (kind == 1) {  // Normal: Box–Muller in double, rounded once
    const int p = q & ~1;
    const double u1 = ((double)word(w, p) + 1.0) * 0x1p-32;
    const double u2 = (double)word(w, p + 1) * 0x1p-32;
    const double r = sqrt(-2.0 * log(u1));
    const double t = 6.283185307179586 * u2;  // float64(2π) times u2, as Go rounds 2*math.Pi*u2
    const double z = (q & 1) ? r * sin(t) : r * cos(t);
    return (float)(a + b * z);
  }
  if (kind == 2) {  // Dropout
    if ((double)word(w, q) * 0x1p-32 < a) return 0.0f;
    return (float)(1.0 / (1.0 - a));
  }
  const float u = (float)(word(w, q) >> 8) * 0x1p-24f;
  return (float)a + (float)(b - a) * u;
}

// random_fill is Backend.Random: one thread per Philox block of four
// elements; key (seed low, seed high), counter (block, tensor, step low,
// step high). kind: 0 uniform, 1 normal, 2 dropout. The per-step words are
// read from device memory (key: seed low, seed high, step low, step high),
// so a captured graph sees each step's key (docs/cuda-host.md).
extern "C" __global__ void random_fill(float* out, i64 n, int kind, u32 tensor, const u32* key, double a,
                                       double b) {
  const i64 blocks = (n + 3) / 4;
  const u32 seed_lo = key[0], seed_hi = key[1], step_lo = key[2], step_hi = key[3];
  for (i64 j = (i64)blockIdx.x * blockDim.x + threadIdx.x; j < blocks; j += (i64)gridDim.x * blockDim.x) {
    u32 w[4] = {(u32)j, tensor, step_lo, step_hi};
    philox4x32(w, seed_lo, seed_hi);
    const i64 end = i64min(4 * j + 4, n);
    for (i64 i = 4 * j; i < end; i++) out[i] = random_value(kind, w, i, a, b);
  }
}

// update_sgd is engine.StepSGD: heavy-ball momentum (mu ≠ 0) with L2 decay;
// the gradient is multiplied by scale[0] (ClipScale's output) and the
// learning rate is step[0] (the step's scalars in device memory).
extern "C" __global__ void update_sgd(float* w, const float* g, float* vel, const float* scale, i64 n,
                                      float wd, float mu, const float* step) {
  const float sc = scale[0];
  const float lr = step[0];
  for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)gridDim.x * blockDim.x) {
    float gi = g[i] * sc + wd * w[i];
    if (mu != 0.0f) {
      vel[i] = mu * vel[i] + gi;
      gi = vel[i];
    }
    w[i] -= lr * gi;
  }
}

// update_adam is engine.StepAdam (Kingma and Ba, 2015; decoupled ≠ 0 is
// AdamW, Loshchilov and Hutter, 2019); step holds the step's
// engine.Update.Factors in device memory: step size, sqrt_bc2, decay.
extern "C" __global__ void update_adam(float* w, const float* g, float* m, float* v, const float* scale, i64 n,
                                       float wd, float b1, float b2, float eps, const float* step, int decoupled) {
  const float sc = scale[0];
  const float step_size = step[0], sqrt_bc2 = step[1], decay = step[2];
  for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)gridDim.x * blockDim.x) {
    float gi = g[i] * sc;
    float wi = w[i];
    if (decoupled) wi *= decay;
    else if (wd != 0.0f) gi += wd * wi;
    const float mi = b1 * m[i] + (1.0f - b1) * gi;
    const float vi = b2 * v[i] + (1.0f - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    const float denom = sqrtf(vi) / sqrt_bc2 + eps;
    w[i] = wi - step_size * mi / denom;
  }
}

// running_stats is Backend.RunningStats over c channels.
extern "C" __global__ void running_stats(float* rm, float* rv, const float* mean, const float* var, int c,
                                         float momentum, i64 count) {
  const float unbias = count > 1 ? (float)count / (float)(count - 1) : 1.0f;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < c; i += gridDim.x * blockDim.x) {
    rm[i] = (1.0f - momentum) * rm[i] + momentum * mean[i];
    rv[i] = (1.0f - momentum) * rv[i] + momentum * var[i] * unbias;
  }
}

// batch_norm is Backend.BatchNorm over x [n, c, s]; the first sample's
// first position of each channel also writes rstd.
extern "C" __global__ void batch_norm(const float* x, const float* mean, const float* var, const float* gamma,
                                      const float* beta, int n, int c, int s, float eps, float* y, float* rstd) {
  const i64 total = (i64)n * c * s;
  for (i64 k = (i64)blockIdx.x * blockDim.x + threadIdx.x; k < total; k += (i64)gridDim.x * blockDim.x) {
    const i64 p = k / s;
    const int ch = (int)(p % c);
    const float rs = 1.0f / sqrtf(var[ch] + eps);
    if (p < c && k % s == 0) rstd[ch] = rs;
    y[k] = (x[k] - mean[ch]) * rs * gamma[ch] + beta[ch];
  }
}
