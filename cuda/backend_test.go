package cuda_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"genxai/cuda"
	"genxai/cuda/fakecuda"
	"genxai/cuda/fakecuda/cpukernels"
	"genxai/cuda/nvrtc"
	"genxai/engine"
	"genxai/engine/cpu"
	"genxai/engine/enginetest"
)

// onFake returns a CUDA backend on a fake H200 whose kernels run the CPU
// backend's code (cpukernels); the cleanup closes both and fails the test
// on any error, leak included.
func onFake(t testing.TB, inner cuda.Compiler) (*cuda.Backend, *fakecuda.Fake) {
	t.Helper()
	return onFakeOpts(t, inner, cuda.BackendOptions{})
}

// onFakeOpts is onFake with backend options (their Compiler is replaced).
func onFakeOpts(t testing.TB, inner cuda.Compiler, o cuda.BackendOptions) (*cuda.Backend, *fakecuda.Fake) {
	t.Helper()
	return onFakeVia(t, func(f *fakecuda.Fake) cuda.Context { return f }, inner, o)
}

// onFakeVia is onFakeOpts with the backend on the context via returns for
// the fake (the fake itself, or a driver wrapping it).
func onFakeVia(t testing.TB, via func(*fakecuda.Fake) cuda.Context, inner cuda.Compiler, o cuda.BackendOptions) (*cuda.Backend, *fakecuda.Fake) {
	t.Helper()
	f := fakecuda.New(cuda.Hopper())
	o.Compiler = cpukernels.Install(f, inner)
	return newOnFake(t, via(f), f, o), f
}

// newOnFake opens a CUDA backend on ctx, the fake f or a driver wrapping
// it; the cleanup closes both and fails the test on any error, leak
// included.
func newOnFake(t testing.TB, ctx cuda.Context, f *fakecuda.Fake, o cuda.BackendOptions) *cuda.Backend {
	t.Helper()
	be, err := cuda.NewBackend(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := be.Close(); err != nil {
			t.Errorf("closing the backend: %v", err)
		}
		if err := f.Close(); err != nil {
			t.Errorf("closing the fake: %v", err)
		}
	})
	return be
}

func TestBackendConformanceOnFake(t *testing.T) {
	be, _ := onFake(t, nil)
	enginetest.Run(t, be)
	if err := be.Sync(); err != nil {
		t.Fatal(err)
	}
}

func TestBackendSameAsCPUOnFake(t *testing.T) {
	be, _ := onFake(t, nil)
	// The fake's cuBLAS (cuda.SgemmRef) adds in another order than OpenBLAS.
	enginetest.SameExcept(t, []string{"Gemm", "GemmBatched", "Conv"}, cpu.New(cpu.Options{}), be)
}

// TestBackendCompilesWithNVRTCOnFake: with the real NVRTC (where it loads)
// the backend compiles its units for compute_90 at first use into the
// on-disk cache, the fake loads the PTX, and a second backend finds every
// unit in the cache (no new file).
func TestBackendCompilesWithNVRTCOnFake(t *testing.T) {
	if err := nvrtc.Load(); err != nil {
		t.Skipf("NVRTC is not installed here: %v", err)
	}
	dir := t.TempDir()
	work := func() []string {
		be, _ := onFake(t, cuda.NVRTCCompiler(cuda.Hopper(), dir))
		x := be.Alloc(10)
		be.Upload(x, []float32{1, -2, 3, -4, 5, -6, 7, -8, 9, -10})
		c := engine.NewChain(engine.Full)
		c.Output(c.Unary(engine.OpAbs, 0))
		y, s := be.Alloc(10), be.Alloc(1)
		be.Elementwise(c, 2, 5, []engine.Buffer{x}, []engine.Buffer{y})
		be.Reduce(engine.ReduceSum, y, 1, 10, 1, s)
		got := make([]float32, 1)
		if err := be.Download(got, s); err != nil || got[0] != 55 {
			t.Fatalf("Σ|x| = %v, %v; want 55", got, err)
		}
		files, err := filepath.Glob(filepath.Join(dir, "*.ptx"))
		if err != nil {
			t.Fatal(err)
		}
		return files
	}
	first := work()
	if len(first) != 2 { // the chain's unit and reduce
		t.Fatalf("cache holds %v, want the chain's and the reduce unit's PTX", first)
	}
	const mark = "\n// marked by the test\n" // a recompilation would overwrite it
	for _, f := range first {
		b, err := os.ReadFile(f)
		if err == nil {
			err = os.WriteFile(f, append(b, mark...), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if again := work(); !slices.Equal(first, again) {
		t.Fatalf("the second backend compiled other units: %v, then %v", first, again)
	}
	for _, f := range first {
		if b, err := os.ReadFile(f); err != nil || !strings.HasSuffix(string(b), mark) {
			t.Fatalf("%s was compiled again (%v)", f, err)
		}
	}
}

// TestBackendGivesCuBLASAWorkspace: the backend gives its cuBLAS handle a
// workspace of its own, after routing it to its stream (which resets the
// workspace), so that captured products allocate nothing: 32 MiB on Hopper.
func TestBackendGivesCuBLASAWorkspace(t *testing.T) {
	_, f := onFake(t, nil)
	if n := f.Workspace(); n != 32<<20 {
		t.Errorf("cuBLAS's workspace: %d bytes, want 32 MiB", n)
	}
}
