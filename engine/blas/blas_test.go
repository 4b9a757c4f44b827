package blas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	gblas "gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// needOpenBLAS loads OpenBLAS or skips the test with the reason.
func needOpenBLAS(t testing.TB) OpenBLAS {
	t.Helper()
	impl, err := Load()
	if err != nil {
		t.Skipf("OpenBLAS not available: %v", err)
	}
	return impl
}

// allToOpenBLAS lowers the size thresholds so every valid call crosses into
// OpenBLAS, and restores them when the test ends.
func allToOpenBLAS(t *testing.T) {
	g, v, d := minGemmWork, minGemvWork, minVecLen
	minGemmWork, minGemvWork, minVecLen = 0, 0, 0
	t.Cleanup(func() { minGemmWork, minGemvWork, minVecLen = g, v, d })
}

var transposes = []gblas.Transpose{gblas.NoTrans, gblas.Trans, gblas.ConjTrans}

func randF64(r *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = r.Float64()*2 - 1
	}
	return s
}

func toF32(s []float64) []float32 {
	out := make([]float32, len(s))
	for i, v := range s {
		out[i] = float32(v)
	}
	return out
}

func TestGemmAgreesWithGonum(t *testing.T) {
	ob := needOpenBLAS(t)
	allToOpenBLAS(t)
	ref := gonum.Implementation{}
	r := rand.New(rand.NewPCG(1, 2))
	sizes := [][3]int{{1, 1, 1}, {3, 5, 7}, {17, 1, 9}, {33, 65, 31}, {70, 3, 129}}
	for _, sz := range sizes {
		m, n, k := sz[0], sz[1], sz[2]
		for _, tA := range transposes {
			for _, tB := range transposes {
				for _, pad := range []int{0, 3} {
					ar, ac := m, k
					if tA != gblas.NoTrans {
						ar, ac = k, m
					}
					br, bc := k, n
					if tB != gblas.NoTrans {
						br, bc = n, k
					}
					lda, ldb, ldc := ac+pad, bc+pad, n+pad
					a := randF64(r, ar*lda)
					b := randF64(r, br*ldb)
					c := randF64(r, m*ldc)
					alpha, beta := 0.7, -1.3
					name := fmt.Sprintf("%dx%dx%d/%c%c/pad%d", m, n, k, tA, tB, pad)

					want := append([]float64(nil), c...)
					ref.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, want, ldc)
					got := append([]float64(nil), c...)
					ob.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, got, ldc)
					for i := range want {
						if math.Abs(got[i]-want[i]) > 1e-12*float64(k+1) {
							t.Fatalf("Dgemm %s: c[%d] = %v, gonum %v", name, i, got[i], want[i])
						}
					}

					a32, b32, c32 := toF32(a), toF32(b), toF32(c)
					want32 := append([]float32(nil), c32...)
					ref.Sgemm(tA, tB, m, n, k, float32(alpha), a32, lda, b32, ldb, float32(beta), want32, ldc)
					got32 := append([]float32(nil), c32...)
					ob.Sgemm(tA, tB, m, n, k, float32(alpha), a32, lda, b32, ldb, float32(beta), got32, ldc)
					for i := range want32 {
						if math.Abs(float64(got32[i]-want32[i])) > 1e-5*float64(k+1) {
							t.Fatalf("Sgemm %s: c[%d] = %v, gonum %v", name, i, got32[i], want32[i])
						}
					}
					// Padding columns of C must be untouched.
					for i := 0; i < m; i++ {
						for j := n; j < ldc; j++ {
							if got[i*ldc+j] != c[i*ldc+j] || got32[i*ldc+j] != c32[i*ldc+j] {
								t.Fatalf("%s: padding of C at (%d,%d) overwritten", name, i, j)
							}
						}
					}
				}
			}
		}
	}
}

func TestGemvDotAxpyAgreeWithGonum(t *testing.T) {
	ob := needOpenBLAS(t)
	allToOpenBLAS(t)
	ref := gonum.Implementation{}
	r := rand.New(rand.NewPCG(3, 4))
	for _, sz := range [][2]int{{1, 1}, {7, 13}, {65, 3}} {
		m, n := sz[0], sz[1]
		for _, tA := range transposes {
			for _, inc := range []int{1, 2} {
				lda := n + 1
				nx, ny := n, m
				if tA != gblas.NoTrans {
					nx, ny = m, n
				}
				a := randF64(r, m*lda)
				x := randF64(r, 1+(nx-1)*inc)
				y := randF64(r, 1+(ny-1)*inc)
				want := append([]float64(nil), y...)
				ref.Dgemv(tA, m, n, 1.5, a, lda, x, inc, 0.5, want, inc)
				got := append([]float64(nil), y...)
				ob.Dgemv(tA, m, n, 1.5, a, lda, x, inc, 0.5, got, inc)
				want32 := toF32(y)
				ref.Sgemv(tA, m, n, 1.5, toF32(a), lda, toF32(x), inc, 0.5, want32, inc)
				got32 := toF32(y)
				ob.Sgemv(tA, m, n, 1.5, toF32(a), lda, toF32(x), inc, 0.5, got32, inc)
				for i := range want {
					if math.Abs(got[i]-want[i]) > 1e-12*float64(m+n) || math.Abs(float64(got32[i]-want32[i])) > 1e-5*float64(m+n) {
						t.Fatalf("gemv %dx%d %c inc %d: y[%d] = %v/%v, gonum %v/%v", m, n, tA, inc, i, got[i], got32[i], want[i], want32[i])
					}
				}
			}
		}
	}
	for _, n := range []int{1, 5, 1001} {
		for _, inc := range []int{1, 3} {
			x, y := randF64(r, 1+(n-1)*inc), randF64(r, 1+(n-1)*inc)
			if d := ob.Ddot(n, x, inc, y, inc) - ref.Ddot(n, x, inc, y, inc); math.Abs(d) > 1e-12*float64(n) {
				t.Fatalf("Ddot n=%d inc=%d off by %v", n, inc, d)
			}
			if d := ob.Sdot(n, toF32(x), inc, toF32(y), inc) - ref.Sdot(n, toF32(x), inc, toF32(y), inc); math.Abs(float64(d)) > 1e-5*float64(n) {
				t.Fatalf("Sdot n=%d inc=%d off by %v", n, inc, d)
			}
			want, got := append([]float64(nil), y...), append([]float64(nil), y...)
			ref.Daxpy(n, -0.25, x, inc, want, inc)
			ob.Daxpy(n, -0.25, x, inc, got, inc)
			want32, got32 := toF32(y), toF32(y)
			ref.Saxpy(n, -0.25, toF32(x), inc, want32, inc)
			ob.Saxpy(n, -0.25, toF32(x), inc, got32, inc)
			for i := range want {
				if math.Abs(got[i]-want[i]) > 1e-15 || math.Abs(float64(got32[i]-want32[i])) > 1e-6 {
					t.Fatalf("axpy n=%d inc=%d: y[%d] differs", n, inc, i)
				}
			}
		}
	}
}

// TestBadArgumentsPanicLikeGonum checks that invalid calls never reach C:
// they panic with gonum's message instead of reading out of bounds.
func TestBadArgumentsPanicLikeGonum(t *testing.T) {
	ob := needOpenBLAS(t)
	allToOpenBLAS(t)
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if r := recover(); r == nil {
				t.Errorf("%s: no panic", name)
			}
		}()
		f()
	}
	a := make([]float32, 4*4)
	short := make([]float32, 3)
	mustPanic("short A", func() { ob.Sgemm(gblas.NoTrans, gblas.NoTrans, 4, 4, 4, 1, short, 4, a, 4, 0, a, 4) })
	mustPanic("short C", func() { ob.Sgemm(gblas.NoTrans, gblas.NoTrans, 4, 4, 4, 1, a, 4, a, 4, 0, short, 4) })
	mustPanic("bad lda", func() { ob.Sgemm(gblas.NoTrans, gblas.NoTrans, 4, 4, 4, 1, a, 2, a, 4, 0, a, 4) })
	mustPanic("bad trans", func() { ob.Sgemm('x', gblas.NoTrans, 4, 4, 4, 1, a, 4, a, 4, 0, a, 4) })
	mustPanic("short x", func() { ob.Sgemv(gblas.NoTrans, 4, 4, 1, a, 4, short, 1, 0, a, 1) })
	mustPanic("zero inc", func() { ob.Sgemv(gblas.NoTrans, 4, 4, 1, a, 4, a, 0, 0, a, 1) })
	// Zero sizes are fine and do nothing.
	ob.Sgemm(gblas.NoTrans, gblas.NoTrans, 0, 4, 4, 1, nil, 4, a, 4, 0, nil, 4)
}

func TestUseInstallsForGorgoniaAndTensor(t *testing.T) {
	defer gorgonia.Use(gonum.Implementation{})
	name := Use()
	if name != Name() {
		t.Fatalf("Use() = %q, Name() = %q", name, Name())
	}
	if _, err := Load(); err != nil {
		if !strings.HasPrefix(name, "gonum (pure Go): ") || !strings.Contains(name, "libopenblas") {
			t.Fatalf("fallback name %q does not say why", name)
		}
		if _, ok := Current().(gonum.Implementation); !ok {
			t.Fatalf("Current() is %T after falling back to gonum", Current())
		}
		return
	}
	if !strings.HasPrefix(name, "openblas (") {
		t.Fatalf("name %q", name)
	}
	if _, ok := Current().(OpenBLAS); !ok {
		t.Fatalf("Current() is %T after installing OpenBLAS", Current())
	}
	if _, ok := gorgonia.WhichBLAS().(OpenBLAS); !ok {
		t.Fatalf("gorgonia uses %T", gorgonia.WhichBLAS())
	}
	if _, ok := tensor.WhichBLAS().(OpenBLAS); !ok {
		t.Fatalf("tensor uses %T", tensor.WhichBLAS())
	}
	// A tensor matrix product now goes through OpenBLAS and is right.
	a := tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]float32{1, 2, 3, 4, 5, 6}))
	b := tensor.New(tensor.WithShape(3, 2), tensor.WithBacking([]float32{1, 0, 0, 1, 1, 1}))
	c, err := tensor.MatMul(a, b)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{4, 5, 10, 11}
	for i, v := range c.Data().([]float32) {
		if v != want[i] {
			t.Fatalf("MatMul = %v, want %v", c.Data(), want)
		}
	}
	SetThreads(1)
	if n := Threads(); n != 1 {
		t.Fatalf("Threads() = %d after SetThreads(1)", n)
	}
	if Config() == "" {
		t.Fatal("empty OpenBLAS config")
	}
	// The kernel family asked for (by coreType or the user) is the one used.
	if core := os.Getenv("OPENBLAS_CORETYPE"); core != "" && !strings.Contains(strings.ToLower(Config()), strings.ToLower(core)) {
		t.Fatalf("OPENBLAS_CORETYPE=%s but OpenBLAS reports %q", core, Config())
	}
}

func benchSgemm(b *testing.B, impl gblas.Float32, n int) {
	r := rand.New(rand.NewPCG(5, 6))
	a, bb, c := toF32(randF64(r, n*n)), toF32(randF64(r, n*n)), make([]float32, n*n)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		impl.Sgemm(gblas.NoTrans, gblas.NoTrans, n, n, n, 1, a, n, bb, n, 0, c, n)
	}
	b.ReportMetric(2*float64(n)*float64(n)*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkSgemm512 measures a 512×512×512 sgemm through OpenBLAS on one
// thread and through gonum (whose Sgemm uses all GOMAXPROCS goroutines; run
// with -cpu 1 for a one-core comparison).
func BenchmarkSgemm512(b *testing.B) {
	b.Run("openblas-1thread", func(b *testing.B) {
		ob := needOpenBLAS(b)
		SetThreads(1)
		benchSgemm(b, ob, 512)
	})
	b.Run("gonum", func(b *testing.B) { benchSgemm(b, gonum.Implementation{}, 512) })
}

// BenchmarkSgemmSmall shows the cost of crossing into C for small products,
// which sets minGemmWork.
func BenchmarkSgemmSmall(b *testing.B) {
	for _, n := range []int{8, 16, 32, 64} {
		b.Run(fmt.Sprintf("openblas-%d", n), func(b *testing.B) {
			ob := needOpenBLAS(b)
			SetThreads(1)
			g := minGemmWork
			minGemmWork = 0
			defer func() { minGemmWork = g }()
			benchSgemm(b, ob, n)
		})
		b.Run(fmt.Sprintf("gonum-%d", n), func(b *testing.B) { benchSgemm(b, gonum.Implementation{}, n) })
	}
}

func TestLoadReasons(t *testing.T) {
	t.Setenv("GENXAI_BLAS", "gonum")
	if _, err := doLoad(); err == nil || !strings.Contains(err.Error(), "GENXAI_BLAS=gonum") {
		t.Fatalf("GENXAI_BLAS=gonum: %v", err)
	}
	t.Setenv("GENXAI_BLAS", "/nonexistent/libopenblas.so.0")
	if _, err := doLoad(); err == nil || !strings.Contains(err.Error(), "/nonexistent/libopenblas.so.0") {
		t.Fatalf("missing path: %v", err)
	}
	t.Setenv("GENXAI_BLAS", "/etc/hostname")
	if _, err := doLoad(); err == nil {
		t.Fatal("a text file loaded as OpenBLAS")
	}
}
