// Softmax kernels of engine.Backend: one block of GENXAI_ROW_THREADS per row
// of a [rows, cols] tensor, row sums and maxima over warp shuffles
// (block_sum, block_max). The sums are in tree order, not engine/cpu's
// sequential order: results agree within float32 rounding, not bit for bit.

#define GENXAI_ROW_THREADS 256

// row_max is the largest value of the row (a NaN wins) in every thread.
__device__ __forceinline__ float row_max(const float* xr, int cols, float* sh) {
  float m = -__int_as_float(0x7f800000);
  for (int j = threadIdx.x; j < cols; j += blockDim.x) m = maxnan(m, xr[j]);
  return block_max(m, sh);
}

// softmax writes y = exp(x − max x) / Σ exp(x − max x) per row.
extern "C" __global__ void __launch_bounds__(GENXAI_ROW_THREADS)
softmax(const float* x, int rows, int cols, float* y) {
  __shared__ float sh[32];
  for (int r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* xr = x + (i64)r * cols;
    float* yr = y + (i64)r * cols;
    const float m = row_max(xr, cols, sh);
    float s = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) { const float e = expf(xr[j] - m); yr[j] = e; s += e; }
    s = block_sum(s, sh);
    for (int j = threadIdx.x; j < cols; j += blockDim.x) yr[j] = yr[j] / s;
  }
}

// log_softmax writes y = x − max x − log Σ exp(x − max x) per row.
extern "C" __global__ void __launch_bounds__(GENXAI_ROW_THREADS)
log_softmax(const float* x, int rows, int cols, float* y) {
  __shared__ float sh[32];
  for (int r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* xr = x + (i64)r * cols;
    float* yr = y + (i64)r * cols;
    const float m = row_max(xr, cols, sh);
    float s = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) s += expf(xr[j] - m);
    const float ls = logf(block_sum(s, sh));
    for (int j = threadIdx.x; j < cols; j += blockDim.x) yr[j] = xr[j] - m - ls;
  }
}

// softmax_grad writes dx = y·(dy − Σ dy·y) per row.
extern "C" __global__ void __launch_bounds__(GENXAI_ROW_THREADS)
softmax_grad(const float* y, const float* dy, int rows, int cols, float* dx) {
  __shared__ float sh[32];
  for (int r = blockIdx.x; r < rows; r += gridDim.x) {
    const i64 o = (i64)r * cols;
    float dot = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) dot += dy[o + j] * y[o + j];
    dot = block_sum(dot, sh);
    for (int j = threadIdx.x; j < cols; j += blockDim.x) dx[o + j] = y[o + j] * (dy[o + j] - dot);
  }
}

// log_softmax_grad writes dx = dy − exp(y)·Σ dy per row.
extern "C" __global__ void __launch_bounds__(GENXAI_ROW_THREADS)
log_softmax_grad(const float* y, const float* dy, int rows, int cols, float* dx) {
  __shared__ float sh[32];
  for (int r = blockIdx.x; r < rows; r += gridDim.x) {
    const i64 o = (i64)r * cols;
    float s = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) s += dy[o + j];
    s = block_sum(s, sh);
    for (int j = threadIdx.x; j < cols; j += blockDim.x) dx[o + j] = dy[o + j] - expf(y[o + j]) * s;
  }
}
