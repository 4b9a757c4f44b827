// The convolution's patch kernels of engine.Backend: Im2col and its adjoint
// Col2im over NCHW images (engine.ConvShape; the im2col layout of
// Chellapilla, Puri and Simard, 2006, as Caffe arranges it: patch row
// (c, ki, kj), patch column (oy, ox)). Each thread owns one output value,
// so nothing is shared between threads; Col2im adds a pixel's patch
// entries in patch-row order onto the pixel, as engine/cpu does, so both
// are engine/cpu's bits. Sizes per image (C·H·W and C·KH·KW·OH·OW) must be
// below 2³¹; the batch may make the totals larger.

// conv_out is a convolution's output extent along one axis.
__device__ __forceinline__ int conv_out(int in, int k, int stride, int pad) { return (in + 2 * pad - k) / stride + 1; }

// im2col is Backend.Im2col: cols [n, c·kh·kw, oh·ow] from x [n, c, h, w],
// one thread per entry of cols; an entry that reads padding is 0.
extern "C" __global__ void im2col(const float* x, float* cols, int n, int c, int h, int w, int kh, int kw,
                                  int stride, int pad) {
  const int oh = conv_out(h, kh, stride, pad), ow = conv_out(w, kw, stride, pad);
  const int per = c * kh * kw * oh * ow;  // entries per image
  GENXAI_GRID_LOOP(i, (i64)n * per) {
    const i64 img = i / per;
    int r = (int)(i - img * per);
    const int ox = r % ow; r /= ow;
    const int oy = r % oh; r /= oh;
    const int kj = r % kw; r /= kw;
    const int ki = r % kh;
    const int ch = r / kh;
    const int iy = oy * stride - pad + ki, ix = ox * stride - pad + kj;
    float v = 0.0f;
    if (iy >= 0 && iy < h && ix >= 0 && ix < w) v = x[((img * c + ch) * h + iy) * w + ix];
    cols[i] = v;
  }
}

// col2im is Backend.Col2im: every pixel of x [n, c, h, w] adds, for the
// kernel offsets (ki, kj) in order, the patch entry that reads it (at most
// one per offset: the output position (oy, ox) with oy·stride − pad + ki =
// y and ox·stride − pad + kj = x). One thread per pixel.
extern "C" __global__ void col2im(const float* cols, float* x, int n, int c, int h, int w, int kh, int kw,
                                  int stride, int pad) {
  const int oh = conv_out(h, kh, stride, pad), ow = conv_out(w, kw, stride, pad);
  const int chw = c * h * w;
  GENXAI_GRID_LOOP(i, (i64)n * chw) {
    const i64 img = i / chw;
    int r = (int)(i - img * chw);
    const int ix = r % w; r /= w;
    const int iy = r % h;
    const int ch = r / h;
    const float* patches = cols + (img * c + ch) * kh * kw * (i64)oh * ow;
    float acc = x[i];
    for (int ki = 0; ki < kh; ki++) {
      const int ty = iy + pad - ki;  // oy·stride
      if (ty < 0 || ty % stride != 0 || ty / stride >= oh) continue;
      const int oy = ty / stride;
      for (int kj = 0; kj < kw; kj++) {
        const int tx = ix + pad - kj;
        if (tx < 0 || tx % stride != 0 || tx / stride >= ow) continue;
        acc += patches[((i64)(ki * kw + kj) * oh + oy) * ow + tx / stride];
      }
    }
    x[i] = acc;
  }
}
