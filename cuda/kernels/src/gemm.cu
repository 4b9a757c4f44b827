// A plain tiled matrix product (the CPU harness's stand-in for cuBLAS, and
// the backend's fallback): C = alpha·op(A)·op(B) + beta·C, row-major, with
// transpose flags and strided batches over blockIdx.z. Each 16×16 block
// stages 16×16 tiles of op(A) and op(B) in shared memory; each thread adds
// its k terms in order.

#define GENXAI_GEMM_TILE 16

extern "C" __global__ void __launch_bounds__(GENXAI_GEMM_TILE * GENXAI_GEMM_TILE)
gemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float* a, i64 stride_a, const float* b,
     i64 stride_b, float beta, float* c, i64 stride_c) {
  __shared__ float ta[GENXAI_GEMM_TILE][GENXAI_GEMM_TILE + 1];
  __shared__ float tb[GENXAI_GEMM_TILE][GENXAI_GEMM_TILE + 1];
  a += blockIdx.z * stride_a;
  b += blockIdx.z * stride_b;
  c += blockIdx.z * stride_c;
  const int tx = threadIdx.x, ty = threadIdx.y;
  const int row = blockIdx.y * GENXAI_GEMM_TILE + ty, col = blockIdx.x * GENXAI_GEMM_TILE + tx;
  float acc = 0.0f;
  for (int k0 = 0; k0 < k; k0 += GENXAI_GEMM_TILE) {
    // op(A)[row][k0+tx] and op(B)[k0+ty][col]
    const int ka = k0 + tx, kb = k0 + ty;
    float va = 0.0f, vb = 0.0f;
    if (row < m && ka < k) va = trans_a ? a[(i64)ka * m + row] : a[(i64)row * k + ka];
    if (col < n && kb < k) vb = trans_b ? b[(i64)col * k + kb] : b[(i64)kb * n + col];
    ta[ty][tx] = va;
    tb[ty][tx] = vb;
    __syncthreads();
    const int kk = k - k0 < GENXAI_GEMM_TILE ? k - k0 : GENXAI_GEMM_TILE;
    for (int q = 0; q < kk; q++) acc += ta[ty][q] * tb[q][tx];
    __syncthreads();
  }
  if (row < m && col < n) {
    float* p = c + (i64)row * n + col;
    *p = beta == 0.0f ? alpha * acc : alpha * acc + beta * *p;
  }
}
