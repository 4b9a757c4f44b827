package blas

import (
	"runtime"
	"testing"

	gblas "gonum.org/v1/gonum/blas"
)

// TestOpenBLASCallsDoNotAllocate checks that every routine OpenBLAS
// overrides reaches the library without a Go heap allocation on amd64 (the
// trampoline of ccall_amd64.go), so that a training step that multiplies
// matrices in OpenBLAS allocates nothing. It also checks that each call did
// reach OpenBLAS and computed the right thing.
func TestOpenBLASCallsDoNotAllocate(t *testing.T) {
	ob := needOpenBLAS(t)
	if runtime.GOARCH != "amd64" {
		t.Skipf("the allocation-free call path is amd64-only; %s binds with purego.RegisterFunc", runtime.GOARCH)
	}
	allToOpenBLAS(t)
	const n = 64
	s := func(v float32) []float32 {
		x := make([]float32, n*n)
		for i := range x {
			x[i] = v
		}
		return x
	}
	d := func(v float64) []float64 {
		x := make([]float64, n*n)
		for i := range x {
			x[i] = v
		}
		return x
	}
	a32, b32, c32 := s(1), s(2), s(0)
	a64, b64, c64 := d(1), d(2), d(0)
	var dot32 float32
	var dot64 float64
	calls := []struct {
		name  string
		call  func()
		check func() bool
	}{
		{"Sgemm", func() { ob.Sgemm(gblas.NoTrans, gblas.Trans, n, n, n, 0.5, a32, n, b32, n, 0, c32, n) },
			func() bool { return c32[0] == n && c32[n*n-1] == n }},
		{"Dgemm", func() { ob.Dgemm(gblas.Trans, gblas.NoTrans, n, n, n, 0.5, a64, n, b64, n, 0, c64, n) },
			func() bool { return c64[0] == n && c64[n*n-1] == n }},
		{"Sgemv", func() { ob.Sgemv(gblas.NoTrans, n, n, 2, a32, n, b32, 1, 0, c32, 1) },
			func() bool { return c32[0] == 4*n && c32[n-1] == 4*n }},
		{"Dgemv", func() { ob.Dgemv(gblas.Trans, n, n, 2, a64, n, b64, 1, 0, c64, 1) },
			func() bool { return c64[0] == 4*n && c64[n-1] == 4*n }},
		{"Sdot", func() { dot32 = ob.Sdot(n*n, a32, 1, b32, 1) }, func() bool { return dot32 == 2*n*n }},
		{"Ddot", func() { dot64 = ob.Ddot(n*n, a64, 1, b64, 1) }, func() bool { return dot64 == 2*n*n }},
		{"Saxpy", func() { copy(c32, a32); ob.Saxpy(n*n, -0.5, b32, 1, c32, 1) },
			func() bool { return c32[0] == 0 && c32[n*n-1] == 0 }},
		{"Daxpy", func() { copy(c64, a64); ob.Daxpy(n*n, -0.5, b64, 1, c64, 1) },
			func() bool { return c64[0] == 0 && c64[n*n-1] == 0 }},
	}
	for _, c := range calls {
		if allocs := testing.AllocsPerRun(50, c.call); allocs != 0 {
			t.Errorf("%s through OpenBLAS: %v allocations per call, want 0", c.name, allocs)
		}
		if !c.check() {
			t.Errorf("%s through OpenBLAS gave a wrong result", c.name)
		}
	}
}
