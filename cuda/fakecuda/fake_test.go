package fakecuda_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"genxai/cuda"
	"genxai/cuda/cudatest"
	"genxai/cuda/fakecuda"
)

// TestConformance runs the suite that the real driver also passes.
func TestConformance(t *testing.T) {
	cudatest.Run(t, func(t *testing.T) cuda.Context { return cudatest.Fake() })
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// fixture is a fake with one stream, two 64-float device buffers and a
// pinned buffer of the same size.
type fixture struct {
	f    *fakecuda.Fake
	s    cuda.Stream
	a, b cuda.DevicePtr
	host []byte
}

func newFixture(t *testing.T) *fixture {
	x := &fixture{f: cudatest.Fake()}
	var err error
	x.s, err = x.f.NewStream()
	must(t, err)
	x.a, err = x.f.Alloc(256)
	must(t, err)
	x.b, err = x.f.Alloc(256)
	must(t, err)
	x.host, err = x.f.AllocHost(256)
	must(t, err)
	return x
}

// close frees the fixture and requires a clean Close.
func (x *fixture) close(t *testing.T) {
	t.Helper()
	must(t, x.f.Free(x.a))
	must(t, x.f.Free(x.b))
	must(t, x.f.FreeHost(x.host))
	must(t, x.f.DestroyStream(x.s))
	must(t, x.f.Close())
}

func wantErr(t *testing.T, what string, err error, code cuda.Result, words ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error", what)
	}
	if code != cuda.Success && cuda.Code(err) != code {
		t.Errorf("%s: %v, want %s", what, err, code)
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%s: %q does not say %q", what, err, w)
		}
	}
}

func TestLeaksAtClose(t *testing.T) {
	f := cudatest.Fake()
	_, err := f.Alloc(100)
	must(t, err)
	_, err = f.AllocHost(10)
	must(t, err)
	_, err = f.NewStream()
	must(t, err)
	_, err = f.NewEvent(true)
	must(t, err)
	_, err = f.LoadModule([]byte(cudatest.ScalePTX))
	must(t, err)
	_, err = f.NewBLAS()
	must(t, err)
	err = f.Close()
	if !errors.Is(err, fakecuda.ErrLeak) {
		t.Fatalf("Close with everything alive: %v", err)
	}
	wantErr(t, "Close", err, cuda.ErrorUnknown, "(100 bytes)", "pinned host allocation of 10 bytes", "stream", "1 event", "1 module", "1 BLAS handle")
	wantErr(t, "a call after Close", f.Synchronize(), cuda.ErrorInvalidContext)
}

func TestGraphLeaks(t *testing.T) {
	x := newFixture(t)
	must(t, x.f.BeginCapture(x.s))
	must(t, x.f.MemsetD32(x.a, 1, 64, x.s))
	g, err := x.f.EndCapture(x.s)
	must(t, err)
	_, err = x.f.Instantiate(g)
	must(t, err)
	must(t, x.f.Free(x.a))
	must(t, x.f.Free(x.b))
	must(t, x.f.FreeHost(x.host))
	must(t, x.f.DestroyStream(x.s))
	wantErr(t, "Close with a graph and its instantiation", x.f.Close(), cuda.ErrorUnknown, "1 graph(s)", "1 instantiated graph(s)")
}

func TestFreeMistakes(t *testing.T) {
	x := newFixture(t)
	defer x.close(t)
	wantErr(t, "unknown free", x.f.Free(0x1234), cuda.ErrorInvalidValue, "never allocated")
	wantErr(t, "interior free", x.f.Free(x.a+4), cuda.ErrorInvalidValue, "not its base")
	p, err := x.f.Alloc(8)
	must(t, err)
	must(t, x.f.Free(p))
	wantErr(t, "double free", x.f.Free(p), cuda.ErrorInvalidValue, "double free")
	wantErr(t, "use after free", x.f.MemsetD32(p, 0, 1, x.s), cuda.ErrorInvalidValue, "use after free")
	wantErr(t, "pinned double free", x.f.FreeHost(make([]byte, 4)), cuda.ErrorInvalidValue, "not a live pinned allocation")
}

func TestOutOfBoundsCopies(t *testing.T) {
	x := newFixture(t)
	defer x.close(t)
	big := make([]byte, 260)
	wantErr(t, "HtoD past the end", x.f.CopyHtoD(x.a, big, x.s), cuda.ErrorInvalidValue, "runs 4 bytes past the end")
	wantErr(t, "DtoH past the end", x.f.CopyDtoH(big, x.a, x.s), cuda.ErrorInvalidValue, "past the end")
	wantErr(t, "DtoD into the guard gap", x.f.CopyDtoD(x.a+128, x.b, 256, x.s), cuda.ErrorInvalidValue, "past the end")
	wantErr(t, "memset past the end", x.f.MemsetD32(x.b+4, 0, 64, x.s), cuda.ErrorInvalidValue, "past the end")
	// Exactly the whole buffer is fine.
	must(t, x.f.CopyDtoD(x.a, x.b, 256, x.s))
	must(t, x.f.SyncStream(x.s))
}

func TestWorkWaitsForSync(t *testing.T) {
	x := newFixture(t)
	defer x.close(t)
	must(t, x.f.MemsetD32(x.a, 5, 64, x.s))
	must(t, x.f.MemsetD32(x.a, 7, 32, x.s)) // stream order: the second memset wins on the first half
	must(t, x.f.CopyDtoH(x.host, x.a, x.s))
	if x.host[0] != 0 {
		t.Fatal("the copy ran before the host waited")
	}
	must(t, x.f.SyncStream(x.s))
	if x.host[0] != 7 || x.host[4*40] != 5 {
		t.Fatalf("after sync: word 0 = %d, word 40 = %d; want 7 and 5", x.host[0], x.host[4*40])
	}
	tr := x.f.Trace()
	if len(tr) != 3 || !strings.Contains(tr[0], "to 0x5") || !strings.Contains(tr[1], "to 0x7") || !strings.Contains(tr[2], "→host") {
		t.Fatalf("trace %q", tr)
	}
}

func TestRaceBetweenStreams(t *testing.T) {
	x := newFixture(t)
	defer x.close(t)
	s2, err := x.f.NewStream()
	must(t, err)
	defer func() { must(t, x.f.DestroyStream(s2)) }()
	must(t, x.f.CopyHtoD(x.a, x.host, x.s))
	err = x.f.CopyDtoD(x.b, x.a, 256, s2)
	if !errors.Is(err, fakecuda.ErrRace) {
		t.Fatalf("reading on stream 2 what stream 1 still writes: %v", err)
	}
	// Two readers of one buffer do not race; a reader after a wait does not.
	must(t, x.f.SyncStream(x.s))
	must(t, x.f.CopyDtoH(x.host[:128], x.a, x.s))
	must(t, x.f.CopyDtoD(x.b, x.a, 256, s2))
	// A writer over a pending reader does.
	err = x.f.MemsetD32(x.a, 0, 1, s2)
	if !errors.Is(err, fakecuda.ErrRace) {
		t.Fatalf("writing on stream 2 what stream 1 still reads: %v", err)
	}
	must(t, x.f.Synchronize())
}

func TestKernelFaultIsSticky(t *testing.T) {
	f := cudatest.Fake()
	f.Register("overrun", 0, func(l *fakecuda.Launch) error {
		l.Float32s(l.Ptr(0), 65) // one float past a 64-float buffer
		return nil
	})
	s, err := f.NewStream()
	must(t, err)
	p, err := f.Alloc(256)
	must(t, err)
	m, err := f.LoadModule([]byte(".version 7.0\n.target sm_52\n.visible .entry overrun(.param .u64 p) { ret; }"))
	must(t, err)
	k, err := f.Function(m, "overrun")
	must(t, err)
	must(t, f.Launch(k, cuda.D1(1), cuda.D1(64), 0, s, p))
	wantErr(t, "sync after an overrun", f.SyncStream(s), cuda.ErrorIllegalAddress, "overrun", "past the end")
	wantErr(t, "a call after the fault", f.Free(p), cuda.ErrorIllegalAddress, "unusable")
}

func TestSharedMemoryCountsStatic(t *testing.T) {
	f := cudatest.Fake()
	f.Register("tiled", 40<<10, func(*fakecuda.Launch) error { return nil })
	s, err := f.NewStream()
	must(t, err)
	m, err := f.LoadModule([]byte(".version 7.0\n.target sm_90\n.entry tiled ( ) { ret; }"))
	must(t, err)
	k, err := f.Function(m, "tiled")
	must(t, err)
	wantErr(t, "40 KiB static + 9 KiB dynamic", f.Launch(k, cuda.D1(1), cuda.D1(32), 9<<10, s), cuda.ErrorInvalidValue, "40960 static")
	must(t, f.Launch(k, cuda.D1(1), cuda.D1(32), 8<<10, s))
	wantErr(t, "a float64 where no argument is", f.Launch(k, cuda.D1(1), cuda.D1(32), 0, s, "text"), cuda.ErrorInvalidValue, "Go type string")
	must(t, f.UnloadModule(m))
	wantErr(t, "a launch after unloading", f.Launch(k, cuda.D1(1), cuda.D1(32), 0, s), cuda.ErrorInvalidHandle)
	must(t, f.DestroyStream(s))
	must(t, f.Close())
}

func TestModules(t *testing.T) {
	f := cudatest.Fake()
	_, err := f.LoadModule([]byte("\x7fELF..."))
	wantErr(t, "a cubin", err, cuda.ErrorNotSupported)
	_, err = f.LoadModule([]byte("int main() {}"))
	wantErr(t, "C text", err, cuda.ErrorInvalidImage)
	m, err := f.LoadModule([]byte(".version 7.0\n.target sm_90\n.visible .entry unregistered(.param .u64 p) { ret; }"))
	must(t, err)
	_, err = f.Function(m, "unregistered")
	wantErr(t, "an entry without a Go body", err, cuda.ErrorNotFound, "Register")
	must(t, f.UnloadModule(m))
	wantErr(t, "unloading twice", f.UnloadModule(m), cuda.ErrorInvalidHandle)
	must(t, f.Close())
}

// captured returns a fixture with a graph that copies host → a, scales a
// into b by 2 and copies b → host, instantiated.
func captured(t *testing.T) (*fixture, cuda.Module, cuda.GraphExec) {
	x := newFixture(t)
	m, err := x.f.LoadModule([]byte(cudatest.ScalePTX))
	must(t, err)
	k, err := x.f.Function(m, "scale")
	must(t, err)
	must(t, x.f.BeginCapture(x.s))
	must(t, x.f.CopyHtoD(x.a, x.host, x.s))
	must(t, x.f.Launch(k, cuda.D1(1), cuda.D1(64), 0, x.s, x.b, x.a, float32(2), uint32(64)))
	must(t, x.f.CopyDtoH(x.host, x.b, x.s))
	g, err := x.f.EndCapture(x.s)
	must(t, err)
	exec, err := x.f.Instantiate(g)
	must(t, err)
	must(t, x.f.DestroyGraph(g))
	return x, m, exec
}

func TestReplay(t *testing.T) {
	x, m, exec := captured(t)
	if n := len(x.f.Trace()); n != 0 {
		t.Fatalf("capturing ran %d ops", n)
	}
	v := cuda.BytesFloat32(x.host)
	v[3] = 1.5
	for i := 0; i < 3; i++ {
		must(t, x.f.LaunchGraph(exec, x.s))
	}
	must(t, x.f.SyncStream(x.s))
	if v[3] != 12 { // doubled by each of three replays
		t.Fatalf("after three replays v[3] = %v, want 12", v[3])
	}
	if n := len(x.f.Trace()); n != 9 {
		t.Fatalf("three replays of three nodes ran %d ops", n)
	}
	must(t, x.f.DestroyGraphExec(exec))
	must(t, x.f.UnloadModule(m))
	x.close(t)
}

func TestReplayNeedsLiveMemoryAndCode(t *testing.T) {
	for _, c := range []struct {
		name   string
		break_ func(x *fixture, m cuda.Module) error
		words  string
	}{
		{"freed buffer", func(x *fixture, _ cuda.Module) error { return x.f.Free(x.b) }, "use after free"},
		{"freed pinned buffer", func(x *fixture, _ cuda.Module) error { return x.f.FreeHost(x.host) }, "no longer pinned"},
		{"unloaded module", func(x *fixture, m cuda.Module) error { return x.f.UnloadModule(m) }, "unloaded"},
	} {
		t.Run(c.name, func(t *testing.T) {
			x, m, exec := captured(t)
			must(t, c.break_(x, m))
			err := x.f.LaunchGraph(exec, x.s)
			wantErr(t, "replay", err, cuda.Success, c.words)
			if cuda.Code(err) != cuda.ErrorIllegalAddress && cuda.Code(err) != cuda.ErrorInvalidHandle {
				t.Errorf("replay error code %s", cuda.Code(err))
			}
		})
	}
}

func TestCapturedEvents(t *testing.T) {
	x := newFixture(t)
	defer x.close(t)
	e, err := x.f.NewEvent(true)
	must(t, err)
	defer func() { must(t, x.f.DestroyEvent(e)) }()
	must(t, x.f.BeginCapture(x.s))
	must(t, x.f.RecordEvent(e, x.s))
	wantErr(t, "waiting on an event recorded in a capture", x.f.SyncEvent(e), cuda.ErrorCapturedEvent)
	wantErr(t, "capturing twice", x.f.BeginCapture(x.s), cuda.ErrorIllegalState)
	g, err := x.f.EndCapture(x.s)
	must(t, err)
	must(t, x.f.DestroyGraph(g))
	_, err = x.f.EndCapture(x.s)
	wantErr(t, "ending a capture not begun", err, cuda.ErrorIllegalState)
	_, err = x.f.ElapsedMs(e, e)
	wantErr(t, "timing a captured event", err, cuda.ErrorCapturedEvent)
	// Recorded again outside a capture it is an ordinary event.
	must(t, x.f.RecordEvent(e, x.s))
	must(t, x.f.SyncEvent(e))
}

func TestEventTiming(t *testing.T) {
	x := newFixture(t)
	defer x.close(t)
	a, err := x.f.NewEvent(true)
	must(t, err)
	b, err := x.f.NewEvent(true)
	must(t, err)
	must(t, x.f.RecordEvent(a, x.s))
	for i := 0; i < 4; i++ {
		must(t, x.f.MemsetD32(x.a, 0, 64, x.s))
	}
	must(t, x.f.RecordEvent(b, x.s))
	_, err = x.f.ElapsedMs(a, b)
	wantErr(t, "timing before the events ran", err, cuda.ErrorNotReady)
	must(t, x.f.SyncEvent(b))
	ms, err := x.f.ElapsedMs(a, b)
	must(t, err)
	if math.Abs(float64(ms)-0.005) > 1e-6 { // four memsets and the end marker
		t.Errorf("elapsed %v ms, want 0.005", ms)
	}
	// An event made without timing is waited on as any other, but not timed,
	// also after it is recorded again.
	c, err := x.f.NewEvent(false)
	must(t, err)
	must(t, x.f.RecordEvent(c, x.s))
	must(t, x.f.SyncEvent(c))
	_, err = x.f.ElapsedMs(a, c)
	wantErr(t, "timing an event made without timing", err, cuda.ErrorInvalidHandle)
	must(t, x.f.DestroyEvent(a))
	must(t, x.f.DestroyEvent(b))
	must(t, x.f.DestroyEvent(c))
}

func TestBLASRules(t *testing.T) {
	x := newFixture(t)
	defer x.close(t)
	bl, err := x.f.NewBLAS()
	must(t, err)
	wantErr(t, "GEMM without a stream", bl.Sgemm(cuda.NoTrans, cuda.NoTrans, 8, 8, 4, 1, x.a, 8, x.b, 4, 0, x.a, 8), cuda.ErrorInvalidHandle, "no default stream")
	must(t, bl.SetStream(x.s))
	wantErr(t, "lda below the rows", bl.Sgemm(cuda.NoTrans, cuda.NoTrans, 8, 8, 4, 1, x.a, 7, x.b, 4, 0, x.a, 8), cuda.Result(cuda.CublasStatusInvalidValue), "leading dimension 7")
	// 9×8 C spans 72 floats of a 64-float buffer.
	wantErr(t, "C past its buffer", bl.Sgemm(cuda.NoTrans, cuda.NoTrans, 9, 8, 4, 1, x.a, 9, x.b, 4, 0, x.a, 9), cuda.ErrorInvalidValue, "past the end")
	must(t, bl.Close())
	wantErr(t, "a call on a destroyed handle", bl.SetTF32(true), cuda.Result(cuda.CublasStatusNotInitialized))
}

func TestTF32Rounding(t *testing.T) {
	x := newFixture(t)
	defer x.close(t)
	bl, err := x.f.NewBLAS()
	must(t, err)
	defer func() { must(t, bl.Close()) }()
	must(t, bl.SetStream(x.s))
	v := cuda.BytesFloat32(x.host)
	v[0], v[1] = 1+1.0/(1<<20), 1 // A = [1+2⁻²⁰], B = [1]: TF32 drops the 2⁻²⁰
	must(t, x.f.CopyHtoD(x.a, x.host, x.s))
	product := func() float32 {
		must(t, cuda.MatMul(bl, false, false, 1, 1, 1, 1, x.a, x.a+4, 0, x.b))
		must(t, x.f.CopyDtoH(x.host[8:12], x.b, x.s))
		must(t, x.f.SyncStream(x.s))
		return v[2]
	}
	if p := product(); p != 1+1.0/(1<<20) {
		t.Errorf("float32 GEMM gave %v", p)
	}
	must(t, bl.SetTF32(true))
	if p := product(); p != 1 {
		t.Errorf("TF32 GEMM gave %v, want the input rounded to 1", p)
	}
	// 1 + 3·2⁻¹² is nearer 1 + 2⁻¹⁰ (TF32's next value above 1) than 1.
	v[0] = 1 + 3.0/(1<<12)
	must(t, x.f.CopyHtoD(x.a, x.host[:4], x.s))
	if p := product(); p != 1+1.0/(1<<10) {
		t.Errorf("TF32 GEMM gave %v, want the input rounded to nearest, 1+2⁻¹⁰", p)
	}
}

// TestHostWriteUnderPendingCopy: the host rewriting pinned memory that a
// queued copy, or a node of a launched graph, has yet to read fails that
// copy with ErrHostWrite (and the context, as a fault would); rewriting it
// after waiting for the copy, rewriting another part of the buffer, or
// bytes that a device-to-host copy earlier in the stream wrote, is fine.
func TestHostWriteUnderPendingCopy(t *testing.T) {
	t.Run("after the wait", func(t *testing.T) {
		x := newFixture(t)
		must(t, x.f.CopyHtoD(x.a, x.host[:64], x.s))
		x.host[64] = 7 // outside the copy's bytes
		must(t, x.f.SyncStream(x.s))
		x.host[0] = 7
		must(t, x.f.SyncStream(x.s))
		x.close(t)
	})
	t.Run("queued copy", func(t *testing.T) {
		x := newFixture(t)
		must(t, x.f.CopyHtoD(x.a, x.host[:64], x.s))
		x.host[5] = 7
		err := x.f.SyncStream(x.s)
		if !errors.Is(err, fakecuda.ErrHostWrite) {
			t.Fatalf("host write under a queued copy: %v, want ErrHostWrite", err)
		}
	})
	t.Run("graph node", func(t *testing.T) {
		x, _, exec := captured(t)
		must(t, x.f.LaunchGraph(exec, x.s))
		must(t, x.f.LaunchGraph(exec, x.s)) // reads what the first replay's DtoH wrote: fine
		must(t, x.f.SyncStream(x.s))
		must(t, x.f.LaunchGraph(exec, x.s))
		cuda.BytesFloat32(x.host)[3] = 1
		err := x.f.SyncStream(x.s)
		if !errors.Is(err, fakecuda.ErrHostWrite) || !strings.Contains(err.Error(), "bytes host ") {
			t.Fatalf("host write under a replayed copy: %v, want ErrHostWrite", err)
		}
	})
}
