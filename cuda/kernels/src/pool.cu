// Max pooling and nearest upsampling of engine.Backend over planes
// [planes, h, w] (planes = N·C), with their gradients. One thread per
// output value, each reading its own window or block in engine/cpu's
// order (engine/cpu/kern/pool.go and upsample.go), so the results are
// engine/cpu's bits, ties, NaNs and signed zeros included.

// plane_index splits the index i of a value of planes [planes, h, w] into
// its plane p, row y and column x.
__device__ __forceinline__ void plane_index(i64 i, int h, int w, i64* p, int* y, int* x) {
  *x = (int)(i % w);
  const i64 r = i / w;
  *y = (int)(r % h);
  *p = r / h;
}

// go_max is Go's builtin max for float32, which engine/cpu's 2×2 pooling
// uses: a NaN operand gives NaN, max(−0, +0) is +0, else the larger.
__device__ __forceinline__ float go_max(float a, float b) {
  if (a != a) return a;
  if (b != b) return b;
  if (a == b) return __float_as_int(a) < 0 ? b : a;  // only zeros differ in bits
  return a > b ? a : b;
}

// max_pool is Backend.MaxPool2D: y [planes, h/k, w/k], one thread per
// window. k = 2 takes go_max of the four values, pairwise by rows as
// engine/cpu does; other windows scan row-major from their first value
// and take a value when it is greater (so a leading NaN stays, a later
// one is passed over, and the first of equal values is kept).
extern "C" __global__ void max_pool(const float* x, int planes, int h, int w, int k, float* y) {
  const int oh = h / k, ow = w / k;
  GENXAI_GRID_LOOP(i, (i64)planes * oh * ow) {
    i64 p;
    int oy, ox;
    plane_index(i, oh, ow, &p, &oy, &ox);
    const float* win = x + (p * h + (i64)oy * k) * w + (i64)ox * k;
    float m;
    if (k == 2) {
      m = go_max(go_max(win[0], win[1]), go_max(win[w], win[w + 1]));
    } else {
      m = win[0];
      for (int ky = 0; ky < k; ky++)
        for (int kx = ky == 0 ? 1 : 0; kx < k; kx++) {
          const float v = win[ky * w + kx];
          if (v > m) m = v;
        }
    }
    y[i] = m;
  }
}

// pool_argmax returns the offset ky·k + kx of the element of the window
// at win that MaxPool2DGrad routes the gradient to, or −1 for none: the
// first (row-major) equal to the maximum m; none when m is NaN. For k = 2
// engine/cpu falls back to the last element when no other equals m.
__device__ __forceinline__ int pool_argmax(const float* win, int w, int k, float m) {
  if (m != m) return -1;
  if (k == 2) {
    if (win[0] == m) return 0;
    if (win[1] == m) return 1;
    return win[w] == m ? 2 : 3;
  }
  for (int ky = 0; ky < k; ky++)
    for (int kx = 0; kx < k; kx++)
      if (win[ky * w + kx] == m) return ky * k + kx;
  return -1;
}

// max_pool_grad is Backend.MaxPool2DGrad: dx [planes, h, w], one thread
// per element of dx, which receives its window's dy when it is the
// window's pool_argmax and 0 otherwise (0 too in the rows and columns past
// the last whole window).
extern "C" __global__ void max_pool_grad(const float* x, const float* y, const float* dy, int planes, int h, int w,
                                         int k, float* dx) {
  const int oh = h / k, ow = w / k;
  GENXAI_GRID_LOOP(i, (i64)planes * h * w) {
    i64 p;
    int iy, ix;
    plane_index(i, h, w, &p, &iy, &ix);
    const int oy = iy / k, ox = ix / k;
    float g = 0.0f;
    if (oy < oh && ox < ow) {
      const i64 o = (p * oh + oy) * ow + ox;
      const float* win = x + (p * h + (i64)oy * k) * w + (i64)ox * k;
      if (pool_argmax(win, w, k, y[o]) == (iy - oy * k) * k + (ix - ox * k)) g = dy[o];
    }
    dx[i] = g;
  }
}

// upsample is Backend.Upsample: y [planes, k·h, k·w], one thread per
// element of y, copying its source pixel.
extern "C" __global__ void upsample(const float* x, int planes, int h, int w, int k, float* y) {
  const int w2 = w * k, h2 = h * k;
  GENXAI_GRID_LOOP(i, (i64)planes * h2 * w2) {
    i64 p;
    int y2, x2;
    plane_index(i, h2, w2, &p, &y2, &x2);
    y[i] = x[(p * h + y2 / k) * w + x2 / k];
  }
}

// upsample_grad is Backend.UpsampleGrad: each pixel of dx [planes, h, w]
// is the sum from 0 of its k×k block of dy, row by row, one thread per
// pixel.
extern "C" __global__ void upsample_grad(const float* dy, int planes, int h, int w, int k, float* dx) {
  const int w2 = w * k;
  GENXAI_GRID_LOOP(i, (i64)planes * h * w) {
    i64 p;
    int iy, ix;
    plane_index(i, h, w, &p, &iy, &ix);
    const float* block = dy + ((p * h + iy) * k * (i64)w2) + (i64)ix * k;
    float acc = 0.0f;
    for (int a = 0; a < k; a++)
      for (int b = 0; b < k; b++) acc += block[(i64)a * w2 + b];
    dx[i] = acc;
  }
}
