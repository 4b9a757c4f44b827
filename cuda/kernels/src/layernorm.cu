// Layer normalization (Ba, Kiros and Hinton, 2016) of engine.Backend: one
// block of GENXAI_LN_THREADS per row for the statistics and dx (tree sums
// over warp shuffles: within float32 rounding of engine/cpu), and one thread
// per column for dγ and dβ (engine.ReduceChunk order: engine/cpu's bits).

#define GENXAI_LN_THREADS 256

// layer_norm writes y = (x − μ)·r·γ + β per row, r = 1/√(σ² + eps), and
// saves μ and r.
extern "C" __global__ void __launch_bounds__(GENXAI_LN_THREADS)
layer_norm(const float* x, const float* gamma, const float* beta, int rows, int cols, float eps, float* y,
           float* mean, float* rstd) {
  __shared__ float sh[32];
  for (int r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* xr = x + (i64)r * cols;
    float* yr = y + (i64)r * cols;
    float s = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) s += xr[j];
    const float mu = block_sum(s, sh) / (float)cols;
    float q = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) { const float d = xr[j] - mu; q += d * d; }
    const float rs = 1.0f / sqrtf(block_sum(q, sh) / (float)cols + eps);
    if (threadIdx.x == 0) { mean[r] = mu; rstd[r] = rs; }
    for (int j = threadIdx.x; j < cols; j += blockDim.x) yr[j] = (xr[j] - mu) * rs * gamma[j] + beta[j];
  }
}

// layer_norm_dx writes dx = r·(g − Σg/N − x̂·Σ(g·x̂)/N) per row, g = dy·γ.
extern "C" __global__ void __launch_bounds__(GENXAI_LN_THREADS)
layer_norm_dx(const float* dy, const float* x, const float* gamma, const float* mean, const float* rstd, int rows,
              int cols, float* dx) {
  __shared__ float sh[32];
  const float nf = (float)cols;
  for (int r = blockIdx.x; r < rows; r += gridDim.x) {
    const i64 o = (i64)r * cols;
    const float mu = mean[r], rs = rstd[r];
    float sg = 0.0f, sgx = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
      const float g = dy[o + j] * gamma[j];
      sg += g;
      sgx += g * ((x[o + j] - mu) * rs);
    }
    sg = block_sum(sg, sh);
    sgx = block_sum(sgx, sh);
    for (int j = threadIdx.x; j < cols; j += blockDim.x)
      dx[o + j] = rs * (dy[o + j] * gamma[j] - sg / nf - (x[o + j] - mu) * rs * (sgx / nf));
  }
}

// layer_norm_params accumulates dγ += Σ_rows dy·x̂ and dβ += Σ_rows dy, one
// thread per column summing its rows in engine.ReduceChunk order.
extern "C" __global__ void layer_norm_params(const float* dy, const float* x, const float* mean, const float* rstd,
                                             int rows, int cols, float* dgamma, float* dbeta) {
  for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < cols; j += gridDim.x * blockDim.x) {
    float tg = 0.0f, tb = 0.0f, pg = 0.0f, pb = 0.0f;
    int k = 0;
    for (int r = 0; r < rows; r++) {
      const float g = dy[(i64)r * cols + j];
      pg += g * ((x[(i64)r * cols + j] - mean[r]) * rstd[r]);
      pb += g;
      if (++k == GENXAI_REDUCE_CHUNK) { tg += pg; tb += pb; pg = pb = 0.0f; k = 0; }
    }
    dgamma[j] += tg + pg;
    dbeta[j] += tb + pb;
  }
}
