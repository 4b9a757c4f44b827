package fakecuda

import (
	"fmt"
	"math"

	"genxai/cuda"
)

// fakeBLAS is cuda.BLAS on the fake: cuda.SgemmRef queued on the handle's
// stream (captured like any other work). It has no default stream:
// SetStream must come first.
type fakeBLAS struct {
	f         *Fake
	stream    cuda.Stream
	tf32      bool
	workspace int // bytes of the workspace SetWorkspace gave (SetStream resets it)
}

// NewBLAS creates a BLAS handle.
func (f *Fake) NewBLAS() (cuda.BLAS, error) {
	defer f.mu.Unlock()
	if err := f.enter("cublasCreate_v2"); err != nil {
		return nil, err
	}
	b := &fakeBLAS{f: f}
	f.blases[b] = true
	return b, nil
}

// live refuses calls on a destroyed handle; then, under the fake's lock,
// it runs set (nil when the call changes nothing).
func (b *fakeBLAS) live(call string, set func()) error {
	b.f.mu.Lock()
	defer b.f.mu.Unlock()
	if !b.f.blases[b] {
		return cuda.CublasError(call, cuda.CublasStatusNotInitialized, "fakecuda: the handle was destroyed")
	}
	if set != nil {
		set()
	}
	return nil
}

func (b *fakeBLAS) SetStream(s cuda.Stream) error {
	return b.live("cublasSetStream_v2", func() { b.stream, b.workspace = s, 0 })
}

// SetWorkspace checks that the workspace is live device memory and keeps
// its size (Workspace); like cuBLAS, SetStream resets it.
func (b *fakeBLAS) SetWorkspace(p cuda.DevicePtr, bytes int) error {
	var err error
	if e := b.live("cublasSetWorkspace_v2", func() {
		if _, err = b.f.mem.span(p, bytes); err == nil {
			b.workspace = bytes
		}
	}); e != nil {
		return e
	}
	if err != nil {
		return cuda.CublasError("cublasSetWorkspace_v2", cuda.CublasStatusInvalidValue, err.Error())
	}
	return nil
}

// Workspace returns the largest workspace a live BLAS handle has, in bytes
// (0 where none was given: cuBLAS's own pool; −1 without a handle).
func (f *Fake) Workspace() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := -1
	for b := range f.blases {
		n = max(n, b.workspace)
	}
	return n
}

func (b *fakeBLAS) SetTF32(on bool) error {
	return b.live("cublasSetMathMode", func() { b.tf32 = on })
}

// tf32 rounds x to TF32 (10 explicit mantissa bits, round to nearest even
// on the 13 dropped bits), as tensor cores read float32 inputs in TF32 mode.
func tf32(x float32) float32 {
	u := math.Float32bits(x)
	if u&0x7f800000 == 0x7f800000 { // Inf and NaN pass through
		return x
	}
	u += 0xfff + (u>>13)&1
	return math.Float32frombits(u &^ 0x1fff)
}

// operand is one GEMM operand's device span and its view as float32s.
func operand(op cuda.Op, rows, cols int, p cuda.DevicePtr, ld int, write bool) (span, error) {
	r, c := cuda.StoredShape(op, rows, cols)
	if ld < max(1, r) {
		return span{}, fmt.Errorf("leading dimension %d is less than the %d stored rows", ld, r)
	}
	return span{p, 4 * cuda.GemmExtent(r, c, ld), write}, nil
}

func (b *fakeBLAS) Sgemm(ta, tb cuda.Op, m, n, k int, alpha float32, a cuda.DevicePtr, lda int, bm cuda.DevicePtr, ldb int, beta float32, c cuda.DevicePtr, ldc int) error {
	return b.SgemmStridedBatched(ta, tb, m, n, k, alpha, a, lda, 0, bm, ldb, 0, beta, c, ldc, 0, 1)
}

func (b *fakeBLAS) SgemmStridedBatched(ta, tb cuda.Op, m, n, k int, alpha float32, a cuda.DevicePtr, lda, strideA int, bm cuda.DevicePtr, ldb, strideB int, beta float32, c cuda.DevicePtr, ldc, strideC, batch int) error {
	call := "cublasSgemmStridedBatched"
	if batch == 1 && strideA == 0 && strideB == 0 && strideC == 0 {
		call = "cublasSgemm_v2"
	}
	var stream cuda.Stream
	var tf bool
	if err := b.live(call, func() { stream, tf = b.stream, b.tf32 }); err != nil {
		return err
	}
	if m < 0 || n < 0 || k < 0 || batch < 0 {
		return cuda.CublasError(call, cuda.CublasStatusInvalidValue, fmt.Sprintf("fakecuda: negative size m=%d n=%d k=%d batch=%d", m, n, k, batch))
	}
	if m == 0 || n == 0 || batch == 0 {
		return nil
	}
	var spans []span
	for i := 0; i < batch; i++ {
		at := func(p cuda.DevicePtr, stride int) cuda.DevicePtr { return p + cuda.DevicePtr(4*i*stride) }
		sa, ea := operand(ta, m, k, at(a, strideA), lda, false)
		sb, eb := operand(tb, k, n, at(bm, strideB), ldb, false)
		sc, ec := operand(cuda.NoTrans, m, n, at(c, strideC), ldc, true)
		for _, e := range []error{ea, eb, ec} {
			if e != nil {
				return cuda.CublasError(call, cuda.CublasStatusInvalidValue, "fakecuda: "+e.Error())
			}
		}
		spans = append(spans, sa, sb, sc)
	}
	f := b.f
	return f.submit(call, stream, func() (*op, error) {
		return &op{
			what:  fmt.Sprintf("sgemm %dx%dx%d batch %d", m, n, k, batch),
			spans: spans,
			run: func() error {
				for i := 0; i < batch; i++ {
					view := func(s span) []float32 { return cuda.BytesFloat32(f.devBytes(s.p, s.n)) }
					av, bv, cv := view(spans[3*i]), view(spans[3*i+1]), view(spans[3*i+2])
					if tf {
						av, bv = rounded(av), rounded(bv)
					}
					cuda.SgemmRef(ta, tb, m, n, k, alpha, av, lda, bv, ldb, beta, cv, ldc)
				}
				return nil
			},
		}, nil
	})
}

// rounded is a TF32-rounded copy of x.
func rounded(x []float32) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = tf32(v)
	}
	return y
}

// Version is a made-up cuBLAS 12.4.0 (the value cublasGetVersion_v2 gives).
func (b *fakeBLAS) Version() (int, error) {
	if err := b.live("cublasGetVersion_v2", nil); err != nil {
		return 0, err
	}
	return 120400, nil
}

func (b *fakeBLAS) Close() error {
	return b.live("cublasDestroy_v2", func() { delete(b.f.blases, b) })
}
