// Package blas gives genxai fast matrix products on the CPU: it loads
// OpenBLAS (libopenblas.so.0) at run time with github.com/ebitengine/purego,
// so builds need neither cgo nor OpenBLAS headers (CGO_ENABLED=0 works), and
// falls back to gonum's pure-Go BLAS when the library is absent.
//
// OpenBLAS embeds gonum.org/v1/gonum/blas/gonum.Implementation and overrides
// the level-2 and level-3 routines that carry neural-network training —
// Sgemm, Dgemm, Sgemv, Dgemv — plus Sdot, Ddot, Saxpy and Daxpy, calling the
// CBLAS entry points (cblas_sgemm, …) in row-major order. Every other routine
// is gonum's. On amd64 those routines are called through a small assembly
// trampoline that allocates nothing on the Go heap (ccall_amd64.go); other
// architectures use purego's reflection-based RegisterFunc binding. Calls too
// small to repay the cost of crossing into C stay in Go, as do calls with
// arguments gonum would reject: those reach gonum, which panics with its
// usual message, so a bad call can never make OpenBLAS read out of bounds.
//
// Use installs the chosen implementation into gorgonia.org/gorgonia (which
// forwards it to gorgonia.org/tensor). Before loading, OPENBLAS_CORETYPE is
// set from the CPU's flags when the user has not set it (see coreType). The environment variable GENXAI_BLAS
// overrides the choice: "gonum" forces the pure-Go BLAS, a path names the
// OpenBLAS library to load.
package blas

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ebitengine/purego"
	gblas "gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/gorgonia"
)

// CBLAS enumeration values (cblas.h).
const (
	cblasRowMajor  = 101
	cblasNoTrans   = 111
	cblasTransT    = 112
	cblasConjTrans = 113
)

// libraryName is the soname looked for.
const libraryName = "libopenblas.so.0"

// searchPaths are tried in order before asking the dynamic loader for
// libraryName, so that the path actually loaded can be reported.
var searchPaths = []string{
	"/lib/x86_64-linux-gnu/libopenblas.so.0",
	"/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
	"/lib/aarch64-linux-gnu/libopenblas.so.0",
	"/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
	"/usr/lib64/libopenblas.so.0",
	"/usr/lib/libopenblas.so.0",
	"/usr/local/lib/libopenblas.so.0",
}

// OpenBLAS functions, bound once by load. blasint is 32 bits in the usual
// (LP64) OpenBLAS builds, which is what Debian and Ubuntu ship.
var (
	cblasSgemm func(order, tA, tB, m, n, k int32, alpha float32, a *float32, lda int32, b *float32, ldb int32, beta float32, c *float32, ldc int32)
	cblasDgemm func(order, tA, tB, m, n, k int32, alpha float64, a *float64, lda int32, b *float64, ldb int32, beta float64, c *float64, ldc int32)
	cblasSgemv func(order, tA, m, n int32, alpha float32, a *float32, lda int32, x *float32, incX int32, beta float32, y *float32, incY int32)
	cblasDgemv func(order, tA, m, n int32, alpha float64, a *float64, lda int32, x *float64, incX int32, beta float64, y *float64, incY int32)
	cblasSdot  func(n int32, x *float32, incX int32, y *float32, incY int32) float32
	cblasDdot  func(n int32, x *float64, incX int32, y *float64, incY int32) float64
	cblasSaxpy func(n int32, alpha float32, x *float32, incX int32, y *float32, incY int32)
	cblasDaxpy func(n int32, alpha float64, x *float64, incX int32, y *float64, incY int32)
	setThreads func(n int32)
	getThreads func() int32
	// setThreadsHot is openblas_set_num_threads bound without allocating
	// (ccall_amd64.go), for the per-call thread policy of gemm and gemv.
	setThreadsHot func(n int32)
	getConfig     func() string
)

var (
	loadOnce sync.Once
	loadPath string
	loadErr  error
)

// load opens OpenBLAS and binds its functions, once per process.
func load() (string, error) {
	loadOnce.Do(func() { loadPath, loadErr = doLoad() })
	return loadPath, loadErr
}

func doLoad() (path string, err error) {
	if runtime.GOOS != "linux" && runtime.GOOS != "freebsd" {
		return "", fmt.Errorf("%s not loaded: run-time loading is implemented for Linux only", libraryName)
	}
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		return "", fmt.Errorf("%s not loaded: purego float arguments need amd64 or arm64, this is %s", libraryName, runtime.GOARCH)
	}
	candidates := searchPaths
	if env := os.Getenv("GENXAI_BLAS"); env == "gonum" {
		return "", errors.New("GENXAI_BLAS=gonum asks for the pure-Go BLAS")
	} else if env != "" {
		candidates = []string{env}
	}
	if os.Getenv("OPENBLAS_CORETYPE") == "" {
		if core := coreType(); core != "" {
			// Read by OpenBLAS when the library initialises, so it must be
			// set before Dlopen; purego forwards os.Setenv to the C
			// environment.
			os.Setenv("OPENBLAS_CORETYPE", core)
		}
	}
	var handle uintptr
	for _, p := range candidates {
		if _, statErr := os.Stat(p); statErr != nil {
			continue
		}
		h, openErr := purego.Dlopen(p, purego.RTLD_NOW|purego.RTLD_LOCAL)
		if openErr == nil {
			handle, path = h, p
			break
		}
		err = openErr
	}
	if handle == 0 && os.Getenv("GENXAI_BLAS") == "" {
		if h, openErr := purego.Dlopen(libraryName, purego.RTLD_NOW|purego.RTLD_LOCAL); openErr == nil {
			handle, path = h, libraryName+" (found by the dynamic loader)"
		}
	}
	if handle == 0 {
		if err != nil {
			return "", fmt.Errorf("%s could not be loaded: %v — apt-get install libopenblas0", libraryName, err)
		}
		if env := os.Getenv("GENXAI_BLAS"); env != "" {
			return "", fmt.Errorf("GENXAI_BLAS=%s: no such file", env)
		}
		return "", fmt.Errorf("%s not found — apt-get install libopenblas0", libraryName)
	}
	// RegisterLibFunc panics when a symbol is missing: a library that is not
	// OpenBLAS (or an incomplete build) becomes an error here.
	defer func() {
		if r := recover(); r != nil {
			path, err = "", fmt.Errorf("%s loaded from %s but lacks a needed symbol: %v", libraryName, path, r)
		}
	}()
	bindHot(handle)
	purego.RegisterLibFunc(&setThreads, handle, "openblas_set_num_threads")
	purego.RegisterLibFunc(&getThreads, handle, "openblas_get_num_threads")
	purego.RegisterLibFunc(&getConfig, handle, "openblas_get_config")
	blasThreads.Store(getThreads())
	return path, nil
}

// coreType picks the OpenBLAS kernel family for this machine from
// /proc/cpuinfo (see coreTypeOf), or "" off amd64 or without cpuinfo.
func coreType() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil || runtime.GOARCH != "amd64" {
		return ""
	}
	return coreTypeOf(string(b))
}

// coreTypeOf picks the OpenBLAS kernel family from the first "flags" line of
// a /proc/cpuinfo text: "SkylakeX" with AVX-512 (F, BW, DQ, VL), "Haswell"
// with AVX2 and FMA, "" otherwise (leaving the choice to OpenBLAS). OpenBLAS
// builds with DYNAMIC_ARCH detect the CPU themselves, but only the models
// they know: OpenBLAS 0.3.21, the version in Debian 12, takes the virtual
// "Intel Xeon Processor" of many cloud machines for a 2004 Prescott and runs
// SSE3 kernels, about eight times slower than the AVX-512 ones. A user's own
// OPENBLAS_CORETYPE is always respected.
//
// The rule is the same for AMD CPUs with AVX-512. On the development
// machine's AMD EPYC (AuthenticAMD, AVX-512, "Virtual Turin-like" to Go;
// OpenBLAS 0.3.21, one thread, the step-shaped sgemms 128×400×784,
// 12544×64×288, 12544×32×576 and 768×512×128, seven alternating rounds,
// medians of the rate per thread CPU second on a heavily loaded machine)
// SkylakeX ran 152, 107, 69 and 156 GFLOP/s, Cooperlake 145, 106, 68, 160,
// Haswell 85, 65, 48, 81 and Zen 86, 65, 52, 81: the AVX-512 kernels are
// 1.4–1.9× the AVX2 ones there, and an earlier single wall-clock reading
// that put Haswell ahead was load noise.
func coreTypeOf(cpuinfo string) string {
	flags := map[string]bool{}
	for _, line := range strings.Split(cpuinfo, "\n") {
		if name, val, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "flags" {
			for _, f := range strings.Fields(val) {
				flags[f] = true
			}
			break
		}
	}
	switch {
	case flags["avx512f"] && flags["avx512bw"] && flags["avx512dq"] && flags["avx512vl"]:
		return "SkylakeX"
	case flags["avx2"] && flags["fma"]:
		return "Haswell"
	}
	return ""
}

var (
	nameMu      sync.Mutex
	current     = "gonum (pure Go)"
	currentImpl = gorgonia.BLAS(gonum.Implementation{})
)

// Use installs OpenBLAS as the BLAS of gorgonia and gorgonia's tensor
// package when it loads, else gonum's pure-Go BLAS, and returns what it
// installed: "openblas (/path/to/libopenblas.so.0)", or "gonum (pure Go): "
// followed by the reason OpenBLAS is not used, such as
// "libopenblas.so.0 not found — apt-get install libopenblas0".
func Use() (name string) {
	impl, err := Load()
	nameMu.Lock()
	defer nameMu.Unlock()
	if err != nil {
		currentImpl = gonum.Implementation{}
		current = "gonum (pure Go): " + err.Error()
	} else {
		currentImpl = impl
		current = "openblas (" + loadPath + ")"
	}
	gorgonia.Use(currentImpl)
	return current
}

// Current returns the implementation the last call to Use installed, or
// gonum's pure-Go BLAS before any call. Graph builders read it once and pass
// it to the ops that multiply matrices (nets.Net.BLAS), so a kernel never
// looks up a process-wide BLAS while it runs.
func Current() gorgonia.BLAS {
	nameMu.Lock()
	defer nameMu.Unlock()
	return currentImpl
}

// Name returns what the last call to Use installed (see Use), or
// "gonum (pure Go)" before any call.
func Name() string {
	nameMu.Lock()
	defer nameMu.Unlock()
	return current
}

// Load loads OpenBLAS (once per process) and returns an implementation of
// gorgonia.BLAS backed by it, without installing it anywhere. The error
// says why OpenBLAS is unavailable.
func Load() (OpenBLAS, error) {
	_, err := load()
	return OpenBLAS{}, err
}

// SetThreads sets the number of threads OpenBLAS uses
// (openblas_set_num_threads); n < 1 is taken as 1. Without OpenBLAS it does
// nothing.
func SetThreads(n int) {
	if _, err := load(); err != nil {
		return
	}
	if n < 1 {
		n = 1
	}
	setThreads(int32(min(n, 1<<20)))
	blasThreads.Store(getThreads())
}

// Threads returns the number of threads OpenBLAS uses, or 1 without it.
func Threads() int {
	if _, err := load(); err != nil {
		return 1
	}
	return int(getThreads())
}

// Config returns OpenBLAS's build description (openblas_get_config: version,
// threading, the kernel chosen for this CPU), or "" without OpenBLAS.
func Config() string {
	if _, err := load(); err != nil {
		return ""
	}
	return getConfig()
}

// OpenBLAS is a gorgonia.BLAS whose matrix products run in OpenBLAS. Its
// zero value is usable only after Load succeeded; Use does that.
type OpenBLAS struct {
	gonum.Implementation
}

var _ gorgonia.BLAS = OpenBLAS{}

// Thresholds below which calls stay in Go. They were set when a call through
// purego's reflection-based binding cost about 2 µs: BenchmarkSgemmSmall
// (one thread, this repository's 2-core machine) showed OpenBLAS ahead of
// gonum from 16×16×16 on and behind at 8×8×8. The gemv and vector thresholds
// are estimates from the same call cost (gonum does 64×64 multiply-adds or a
// 4096-long dot in about that time). The amd64 trampoline cut the whole
// 8×8×8 call to about 0.4 µs (median of 5, loaded machine; 3 µs before), so
// lower thresholds would now pay, but moving a call between gonum and
// OpenBLAS changes its rounding, so they stay until retuned on purpose.
// They are variables so that tests can send every call to OpenBLAS.
var (
	minGemmWork = 16 * 16 * 16 // m*n*k
	minGemvWork = 64 * 64      // m*n
	minVecLen   = 4096         // n for dot and axpy
)

func cblasTrans(t gblas.Transpose) (int32, bool) {
	switch t {
	case gblas.NoTrans:
		return cblasNoTrans, true
	case gblas.Trans:
		return cblasTransT, true
	case gblas.ConjTrans:
		return cblasConjTrans, true
	}
	return 0, false
}

// fits32 reports whether every value fits OpenBLAS's 32-bit blasint.
func fits32(vs ...int) bool {
	for _, v := range vs {
		if v < 0 || v > 1<<31-1 {
			return false
		}
	}
	return true
}

// gemmOK reports whether a row-major gemm call is valid, large enough for
// OpenBLAS, and within its integer range; lengths are checked as gonum does.
func gemmOK(tA, tB gblas.Transpose, m, n, k, lda, ldb, ldc, la, lb, lc int) bool {
	if _, ok := cblasTrans(tA); !ok {
		return false
	}
	if _, ok := cblasTrans(tB); !ok {
		return false
	}
	if m <= 0 || n <= 0 || k <= 0 || !fits32(m, n, k, lda, ldb, ldc) || m*n*k < minGemmWork {
		return false
	}
	ar, ac := m, k // rows and columns of op(A) as stored
	if tA != gblas.NoTrans {
		ar, ac = k, m
	}
	br, bc := k, n
	if tB != gblas.NoTrans {
		br, bc = n, k
	}
	if lda < max(1, ac) || ldb < max(1, bc) || ldc < max(1, n) {
		return false
	}
	return la >= lda*(ar-1)+ac && lb >= ldb*(br-1)+bc && lc >= ldc*(m-1)+n
}

// threadedWork is the least work (multiply-adds) for which a product runs on
// more than one OpenBLAS thread. OpenBLAS 0.3.21 starts its threads from
// m·n·k = 2¹⁸ on; measured on the two-core development machine (2026-11-29,
// BenchmarkGemm in engine/cpu, OpenBLAS Haswell kernels), two threads gave
// 1.4× on 128×512×784 but 1.1× on 256³ (2²⁴), and the conditional DCGAN's
// step — hundreds of convolution products of 7–13 M multiply-adds — took
// 253 ms on two threads against 155 ms on one: the hand-off and the
// threads' spinning between calls cost more than the split gains. Smaller
// products therefore run on one thread. The split changes no bits (OpenBLAS
// divides C between threads, each element's sum is the same).
const threadedWork = 1 << 24

// blasThreads is the thread count set last (SetThreads, or OpenBLAS's own
// at load); 0 until OpenBLAS is loaded.
var blasThreads atomic.Int32

// singleThreaded puts OpenBLAS on one thread for a call of work
// multiply-adds below threadedWork and returns the count to restore after
// it, or 0 when nothing changed. Goroutines calling OpenBLAS at once may
// see each other's setting: that changes how many threads a product gets,
// never its result.
func singleThreaded(work int) int32 {
	t := blasThreads.Load()
	if t <= 1 || work >= threadedWork || setThreadsHot == nil {
		return 0
	}
	setThreadsHot(1)
	return t
}

// gemm calls the CBLAS routine cblasGemm when a row-major call is valid and
// large enough for OpenBLAS (see gemmOK), else gonum's routine goGemm.
func gemm[T float32 | float64](
	cblasGemm func(order, tA, tB, m, n, k int32, alpha T, a *T, lda int32, b *T, ldb int32, beta T, c *T, ldc int32),
	goGemm func(tA, tB gblas.Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int),
	tA, tB gblas.Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int,
) {
	if alpha == 0 || !gemmOK(tA, tB, m, n, k, lda, ldb, ldc, len(a), len(b), len(c)) {
		goGemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	ta, _ := cblasTrans(tA)
	tb, _ := cblasTrans(tB)
	if t := singleThreaded(m * n * k); t > 0 {
		defer setThreadsHot(t)
	}
	cblasGemm(cblasRowMajor, ta, tb, int32(m), int32(n), int32(k), alpha, &a[0], int32(lda), &b[0], int32(ldb), beta, &c[0], int32(ldc))
}

// Sgemm computes C = alpha * op(A) * op(B) + beta * C for row-major
// float32 matrices (see gonum's blas.Float32).
func (impl OpenBLAS) Sgemm(tA, tB gblas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemm(cblasSgemm, impl.Implementation.Sgemm, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Dgemm computes C = alpha * op(A) * op(B) + beta * C for row-major
// float64 matrices (see gonum's blas.Float64).
func (impl OpenBLAS) Dgemm(tA, tB gblas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	gemm(cblasDgemm, impl.Implementation.Dgemm, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemvOK reports whether a row-major gemv call is valid and worth OpenBLAS.
// Negative increments stay in Go.
func gemvOK(tA gblas.Transpose, m, n, lda, incX, incY, la, lx, ly int) bool {
	if _, ok := cblasTrans(tA); !ok {
		return false
	}
	if m <= 0 || n <= 0 || incX <= 0 || incY <= 0 || !fits32(m, n, lda, incX, incY) || m*n < minGemvWork || lda < max(1, n) {
		return false
	}
	nx, ny := n, m
	if tA != gblas.NoTrans {
		nx, ny = m, n
	}
	return la >= lda*(m-1)+n && lx >= 1+(nx-1)*incX && ly >= 1+(ny-1)*incY
}

// gemv calls the CBLAS routine cblasGemv when a row-major call is valid and
// large enough for OpenBLAS (see gemvOK), else gonum's routine goGemv.
func gemv[T float32 | float64](
	cblasGemv func(order, tA, m, n int32, alpha T, a *T, lda int32, x *T, incX int32, beta T, y *T, incY int32),
	goGemv func(tA gblas.Transpose, m, n int, alpha T, a []T, lda int, x []T, incX int, beta T, y []T, incY int),
	tA gblas.Transpose, m, n int, alpha T, a []T, lda int, x []T, incX int, beta T, y []T, incY int,
) {
	if !gemvOK(tA, m, n, lda, incX, incY, len(a), len(x), len(y)) {
		goGemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	ta, _ := cblasTrans(tA)
	if t := singleThreaded(m * n); t > 0 {
		defer setThreadsHot(t)
	}
	cblasGemv(cblasRowMajor, ta, int32(m), int32(n), alpha, &a[0], int32(lda), &x[0], int32(incX), beta, &y[0], int32(incY))
}

// Sgemv computes y = alpha * op(A) * x + beta * y for a row-major float32
// matrix (see gonum's blas.Float32).
func (impl OpenBLAS) Sgemv(tA gblas.Transpose, m, n int, alpha float32, a []float32, lda int, x []float32, incX int, beta float32, y []float32, incY int) {
	gemv(cblasSgemv, impl.Implementation.Sgemv, tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
}

// Dgemv computes y = alpha * op(A) * x + beta * y for a row-major float64
// matrix (see gonum's blas.Float64).
func (impl OpenBLAS) Dgemv(tA gblas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	gemv(cblasDgemv, impl.Implementation.Dgemv, tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
}

// vecOK reports whether a level-1 call on n elements is valid and worth
// OpenBLAS.
func vecOK(n, incX, incY, lx, ly int) bool {
	return n >= minVecLen && incX > 0 && incY > 0 && fits32(n, incX, incY) &&
		lx >= 1+(n-1)*incX && ly >= 1+(n-1)*incY
}

// Sdot returns the dot product of float32 vectors x and y.
func (impl OpenBLAS) Sdot(n int, x []float32, incX int, y []float32, incY int) float32 {
	if !vecOK(n, incX, incY, len(x), len(y)) {
		return impl.Implementation.Sdot(n, x, incX, y, incY)
	}
	return cblasSdot(int32(n), &x[0], int32(incX), &y[0], int32(incY))
}

// Ddot returns the dot product of float64 vectors x and y.
func (impl OpenBLAS) Ddot(n int, x []float64, incX int, y []float64, incY int) float64 {
	if !vecOK(n, incX, incY, len(x), len(y)) {
		return impl.Implementation.Ddot(n, x, incX, y, incY)
	}
	return cblasDdot(int32(n), &x[0], int32(incX), &y[0], int32(incY))
}

// Saxpy computes y += alpha * x for float32 vectors.
func (impl OpenBLAS) Saxpy(n int, alpha float32, x []float32, incX int, y []float32, incY int) {
	if !vecOK(n, incX, incY, len(x), len(y)) {
		impl.Implementation.Saxpy(n, alpha, x, incX, y, incY)
		return
	}
	cblasSaxpy(int32(n), alpha, &x[0], int32(incX), &y[0], int32(incY))
}

// Daxpy computes y += alpha * x for float64 vectors.
func (impl OpenBLAS) Daxpy(n int, alpha float64, x []float64, incX int, y []float64, incY int) {
	if !vecOK(n, incX, incY, len(x), len(y)) {
		impl.Implementation.Daxpy(n, alpha, x, incX, y, incY)
		return
	}
	cblasDaxpy(int32(n), alpha, &x[0], int32(incX), &y[0], int32(incY))
}
