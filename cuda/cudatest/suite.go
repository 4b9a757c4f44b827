package cudatest

import (
	"math"
	"math/rand/v2"
	"testing"

	"genxai/cuda"
)

// Open gives each test a fresh context; the test closes it.
type Open func(t *testing.T) cuda.Context

// Run runs the conformance suite on the contexts open gives.
func Run(t *testing.T, open Open) {
	for _, c := range []struct {
		name string
		test func(t *testing.T, c cuda.Context)
	}{
		{"CopyRoundTrip", copyRoundTrip},
		{"LaunchScale", launchScale},
		{"LaunchLimits", launchLimits},
		{"FreeErrors", freeErrors},
		{"UnknownKernel", unknownKernel},
		{"CaptureReplay", captureReplay},
		{"CaptureRefusals", captureRefusals},
		{"Events", events},
		{"Gemm", gemm},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := open(t)
			c.test(t, ctx)
			if err := ctx.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
}

// must fails the test on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantCode fails unless err carries code.
func wantCode(t *testing.T, what string, err error, code cuda.Result) {
	t.Helper()
	if cuda.Code(err) != code {
		t.Errorf("%s: got %v, want %s", what, err, code)
	}
}

// kit is the usual fixture: a stream and n-float device and pinned buffers.
type kit struct {
	s    cuda.Stream
	dev  []cuda.DevicePtr
	host [][]byte
	mods []cuda.Module
}

func newKit(t *testing.T, c cuda.Context, n, buffers int) *kit {
	t.Helper()
	k := &kit{}
	var err error
	k.s, err = c.NewStream()
	must(t, err)
	for i := 0; i < buffers; i++ {
		p, err := c.Alloc(4 * n)
		must(t, err)
		h, err := c.AllocHost(4 * n)
		must(t, err)
		k.dev, k.host = append(k.dev, p), append(k.host, h)
	}
	return k
}

// free releases the kit's objects, failing the test on any error.
func (k *kit) free(t *testing.T, c cuda.Context) {
	t.Helper()
	must(t, c.Synchronize())
	for _, m := range k.mods {
		must(t, c.UnloadModule(m))
	}
	for i := range k.dev {
		must(t, c.Free(k.dev[i]))
		must(t, c.FreeHost(k.host[i]))
	}
	must(t, c.DestroyStream(k.s))
}

func copyRoundTrip(t *testing.T, c cuda.Context) {
	const n = 1000
	k := newKit(t, c, n, 2)
	defer k.free(t, c)
	in, out := cuda.BytesFloat32(k.host[0]), cuda.BytesFloat32(k.host[1])
	for i := range in {
		in[i] = float32(i) + 0.5
	}
	must(t, c.MemsetD32(k.dev[1], math.Float32bits(-1), n, k.s))
	must(t, c.CopyHtoD(k.dev[0], k.host[0][:4*n/2], k.s))                 // first half
	must(t, c.CopyDtoD(k.dev[1]+4*n/4, k.dev[0], 4*n/2, k.s))             // to the middle
	must(t, c.CopyDtoH(k.host[1], k.dev[1], k.s))                         // all of it back
	pageable := make([]float32, n/4)                                      // and a quarter into Go memory
	must(t, c.CopyDtoH(cuda.Float32Bytes(pageable), k.dev[1]+4*n/4, k.s)) //
	must(t, c.SyncStream(k.s))
	for i, v := range out {
		want := float32(-1)
		if i >= n/4 && i < 3*n/4 {
			want = in[i-n/4]
		}
		if v != want {
			t.Fatalf("element %d = %v, want %v", i, v, want)
		}
	}
	for i, v := range pageable {
		if v != in[i] {
			t.Fatalf("pageable element %d = %v, want %v", i, v, in[i])
		}
	}
}

// scale loads ScalePTX (unloaded by free) and returns its kernel.
func (k *kit) scale(t *testing.T, c cuda.Context) cuda.Function {
	t.Helper()
	m, err := c.LoadModule([]byte(ScalePTX))
	must(t, err)
	k.mods = append(k.mods, m)
	f, err := c.Function(m, "scale")
	must(t, err)
	return f
}

func launchScale(t *testing.T, c cuda.Context) {
	const n = 1000
	k := newKit(t, c, n, 2)
	defer k.free(t, c)
	f := k.scale(t, c)
	x, y := cuda.BytesFloat32(k.host[0]), cuda.BytesFloat32(k.host[1])
	for i := range x {
		x[i] = float32(i)
	}
	must(t, c.CopyHtoD(k.dev[0], k.host[0], k.s))
	must(t, c.MemsetD32(k.dev[1], 0, n, k.s))
	must(t, c.Launch(f, cuda.D1((n+255)/256), cuda.D1(256), 0, k.s, k.dev[1], k.dev[0], float32(2.5), uint32(n)))
	must(t, c.CopyDtoH(k.host[1], k.dev[1], k.s))
	must(t, c.SyncStream(k.s))
	for i, v := range y {
		if v != 2.5*float32(i) {
			t.Fatalf("y[%d] = %v, want %v", i, v, 2.5*float32(i))
		}
	}
}

func launchLimits(t *testing.T, c cuda.Context) {
	k := newKit(t, c, 64, 2)
	defer k.free(t, c)
	f := k.scale(t, c)
	args := []any{k.dev[1], k.dev[0], float32(1), uint32(64)}
	for _, bad := range []struct {
		what        string
		grid, block cuda.Dim3
		shared      int
	}{
		{"1025 threads per block", cuda.D1(1), cuda.D1(1025), 0},
		{"32x32x2 threads per block", cuda.D1(1), cuda.D3(32, 32, 2), 0},
		{"block z of 65", cuda.D1(1), cuda.D3(1, 1, 65), 0},
		{"empty grid", cuda.D3(0, 1, 1), cuda.D1(64), 0},
		{"grid y of 65536", cuda.D3(1, 65536, 1), cuda.D1(64), 0},
		{"49 KiB of dynamic shared memory", cuda.D1(1), cuda.D1(64), 49 << 10},
	} {
		wantCode(t, bad.what, c.Launch(f, bad.grid, bad.block, bad.shared, k.s, args...), cuda.ErrorInvalidValue)
	}
	// The largest legal block still launches.
	must(t, c.Launch(f, cuda.D1(1), cuda.D3(32, 32, 1), 48<<10, k.s, args...))
	must(t, c.SyncStream(k.s))
}

func freeErrors(t *testing.T, c cuda.Context) {
	p, err := c.Alloc(1024)
	must(t, err)
	wantCode(t, "freeing an address inside an allocation", c.Free(p+256), cuda.ErrorInvalidValue)
	must(t, c.Free(p))
	wantCode(t, "double free", c.Free(p), cuda.ErrorInvalidValue)
	_, err = c.Alloc(0)
	wantCode(t, "allocating 0 bytes", err, cuda.ErrorInvalidValue)
}

func unknownKernel(t *testing.T, c cuda.Context) {
	m, err := c.LoadModule([]byte(ScalePTX))
	must(t, err)
	_, err = c.Function(m, "no_such_kernel")
	wantCode(t, "an unknown kernel name", err, cuda.ErrorNotFound)
	must(t, c.UnloadModule(m))
}

func captureReplay(t *testing.T, c cuda.Context) {
	const n = 512
	k := newKit(t, c, n, 2)
	defer k.free(t, c)
	f := k.scale(t, c)
	x, y := cuda.BytesFloat32(k.host[0]), cuda.BytesFloat32(k.host[1])
	must(t, c.BeginCapture(k.s))
	must(t, c.CopyHtoD(k.dev[0], k.host[0], k.s))
	must(t, c.Launch(f, cuda.D1(n/128), cuda.D1(128), 0, k.s, k.dev[1], k.dev[0], float32(3), uint32(n)))
	must(t, c.CopyDtoH(k.host[1], k.dev[1], k.s))
	g, err := c.EndCapture(k.s)
	must(t, err)
	x0 := y[0]
	must(t, c.SyncStream(k.s))
	if y[0] != x0 {
		t.Fatal("capturing ran the work instead of recording it")
	}
	exec, err := c.Instantiate(g)
	must(t, err)
	must(t, c.DestroyGraph(g)) // the instantiation outlives its graph
	for rep := 1; rep <= 3; rep++ {
		for i := range x {
			x[i] = float32(rep*i + 1) // read at replay time, not capture time
		}
		must(t, c.LaunchGraph(exec, k.s))
		must(t, c.SyncStream(k.s))
		for i, v := range y {
			if want := 3 * float32(rep*i+1); v != want {
				t.Fatalf("replay %d: y[%d] = %v, want %v", rep, i, v, want)
			}
		}
	}
	must(t, c.DestroyGraphExec(exec))
}

func captureRefusals(t *testing.T, c cuda.Context) {
	k := newKit(t, c, 16, 1)
	defer k.free(t, c)
	pageable := make([]byte, 64)
	for _, r := range []struct {
		what string
		call func() error
	}{
		{"allocating", func() error { _, err := c.Alloc(256); return err }},
		{"freeing", func() error { return c.Free(k.dev[0]) }},
		{"allocating pinned memory", func() error { _, err := c.AllocHost(256); return err }},
		{"synchronising the context", c.Synchronize},
		{"synchronising the capturing stream", func() error { return c.SyncStream(k.s) }},
		{"copying from pageable memory", func() error { return c.CopyHtoD(k.dev[0], pageable, k.s) }},
		{"copying to pageable memory", func() error { return c.CopyDtoH(pageable, k.dev[0], k.s) }},
	} {
		must(t, c.BeginCapture(k.s))
		err := r.call()
		_, end := c.EndCapture(k.s)
		if cuda.Code(err) != cuda.ErrorStreamCaptureUnsupported {
			t.Errorf("%s while capturing: got %v, want %s", r.what, err, cuda.ErrorStreamCaptureUnsupported)
		}
		wantCode(t, "ending a capture after "+r.what, end, cuda.ErrorStreamCaptureInvalidated)
	}
	// After the refusals the context still works.
	must(t, c.MemsetD32(k.dev[0], 7, 16, k.s))
	must(t, c.SyncStream(k.s))
}

func events(t *testing.T, c cuda.Context) {
	k := newKit(t, c, 1<<16, 1)
	defer k.free(t, c)
	a, err := c.NewEvent(true)
	must(t, err)
	b, err := c.NewEvent(true)
	must(t, err)
	_, err = c.ElapsedMs(a, b)
	if err == nil {
		t.Error("ElapsedMs of events never recorded succeeded")
	}
	must(t, c.RecordEvent(a, k.s))
	must(t, c.CopyHtoD(k.dev[0], k.host[0], k.s))
	must(t, c.RecordEvent(b, k.s))
	must(t, c.SyncEvent(b))
	ms, err := c.ElapsedMs(a, b)
	must(t, err)
	if ms <= 0 || ms > 1000 {
		t.Errorf("a 256 KiB copy took %v ms", ms)
	}
	must(t, c.DestroyEvent(a))
	must(t, c.DestroyEvent(b))
}

// rowMajorRef is C = op(A)·op(B) computed naively in row-major order,
// independent of the column-major mapping under test.
func rowMajorRef(transA, transB bool, m, n, k int, a, b []float32) []float32 {
	c := make([]float32, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for l := 0; l < k; l++ {
				av, bv := a[i*k+l], b[l*n+j]
				if transA {
					av = a[l*m+i]
				}
				if transB {
					bv = b[j*k+l]
				}
				s += float64(av) * float64(bv)
			}
			c[i*n+j] = float32(s)
		}
	}
	return c
}

// relErr is max|x−y| / max|y|.
func relErr(x, y []float32) float64 {
	var d, s float64
	for i := range y {
		d = math.Max(d, math.Abs(float64(x[i]-y[i])))
		s = math.Max(s, math.Abs(float64(y[i])))
	}
	return d / s
}

func gemm(t *testing.T, c cuda.Context) {
	const m, n, k, batch = 33, 17, 64, 3
	rng := rand.New(rand.NewPCG(1, 2))
	kt := newKit(t, c, batch*k*max(m, n), 3)
	defer kt.free(t, c)
	bl, err := c.NewBLAS()
	must(t, err)
	defer func() { must(t, bl.Close()) }()
	must(t, bl.SetStream(kt.s))
	if v, err := bl.Version(); err != nil || v < 10000 {
		t.Errorf("cuBLAS version %d, %v", v, err)
	}
	a, b, out := cuda.BytesFloat32(kt.host[0]), cuda.BytesFloat32(kt.host[1]), cuda.BytesFloat32(kt.host[2])
	for i := range a {
		a[i], b[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
	}
	must(t, c.CopyHtoD(kt.dev[0], kt.host[0], kt.s))
	must(t, c.CopyHtoD(kt.dev[1], kt.host[1], kt.s))
	for _, tf := range []bool{false, true} {
		tol := 1e-5
		if tf {
			tol = 2e-3
		}
		must(t, bl.SetTF32(tf))
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			must(t, cuda.MatMulStridedBatched(bl, tr[0], tr[1], m, n, k, 1, kt.dev[0], m*k, kt.dev[1], k*n, 0, kt.dev[2], m*n, batch))
			must(t, c.CopyDtoH(kt.host[2][:4*batch*m*n], kt.dev[2], kt.s))
			must(t, c.SyncStream(kt.s))
			for i := 0; i < batch; i++ {
				want := rowMajorRef(tr[0], tr[1], m, n, k, a[i*m*k:], b[i*k*n:])
				if e := relErr(out[i*m*n:(i+1)*m*n], want); e > tol {
					t.Errorf("TF32 %v, transposes %v, matrix %d: relative error %.2g > %g", tf, tr, i, e, tol)
				}
			}
		}
	}
	// beta: C = 2·A·B + 1·C accumulates onto the last result.
	must(t, cuda.MatMul(bl, false, false, m, n, k, 2, kt.dev[0], kt.dev[1], 1, kt.dev[2]))
	must(t, c.CopyDtoH(kt.host[2][:4*m*n], kt.dev[2], kt.s))
	must(t, c.SyncStream(kt.s))
	ab := rowMajorRef(true, true, m, n, k, a, b) // what the last batched call left
	want := rowMajorRef(false, false, m, n, k, a, b)
	for i := range want {
		want[i] = 2*want[i] + ab[i]
	}
	if e := relErr(out[:m*n], want); e > 2e-3 {
		t.Errorf("alpha 2, beta 1: relative error %.2g", e)
	}
}
