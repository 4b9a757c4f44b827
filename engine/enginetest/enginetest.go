// Package enginetest is the conformance suite of engine.Backend: every
// kernel against a plain Go reference on random shapes with odd sizes, and
// the same kernels compared bit for bit across backends (or one backend's
// worker counts). Each backend's tests call Run and Same.
//
// Tolerances. A float32 computation that adds k terms is within about
// k·u of the exact result relative to the sum of the terms' magnitudes,
// u = 2⁻²⁴ the unit roundoff (Higham, "Accuracy and Stability of Numerical
// Algorithms", §3.1), whatever the order of the additions. The references
// are computed in float64, and each check allows 4·(k + 8)·u times the
// magnitude of the terms involved: the factor and the 8 cover the few
// multiplications around the sums and the one or two ulps of the float32
// exp, log and sqrt. Where the reference adds in the backend's order (chains,
// short reductions, the optimizer) the check is bit for bit instead.
package enginetest

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"genxai/engine"
)

// u is float32's unit roundoff.
const u = 0x1p-24

// kernel is one conformance case: it draws inputs from rng, runs the kernel
// on be for several shapes, checks the results against the reference and
// returns every output for the cross-backend comparison.
type kernel struct {
	name string
	run  func(t *testing.T, be engine.Backend, rng *rand.Rand) [][]float32
}

// kernels lists every kernel of the Backend with its conformance case.
var kernels = []kernel{
	{"Elementwise", chainCase},
	{"Gemm", gemmCase}, {"GemmBatched", gemmBatchedCase},
	{"LayerNorm", layerNormCase}, {"BatchNorm", batchNormCase},
	{"Update", updateCase},
	{"Random", randomCase},
	{"Reduce", reduceCase}, {"Softmax", softmaxCase},
	{"Strided", stridedCase},
	{"Conv", convCase}, {"MaxPool", poolCase}, {"Upsample", upsampleCase}, {"Gather", gatherCase},
}

// Run checks every kernel of be against its reference.
func Run(t *testing.T, be engine.Backend) {
	for _, k := range kernels {
		t.Run(k.name, func(t *testing.T) { k.run(t, be, rand.New(rand.NewPCG(1, 2))) })
	}
}

// Same runs every kernel on each backend with the same inputs and requires
// the same bits from all of them (NaNs compare equal).
func Same(t *testing.T, backends ...engine.Backend) { SameExcept(t, nil, backends...) }

// SameExcept is Same without the kernels named in except (e.g. "Gemm",
// "GemmBatched" for a backend whose products add in another order).
func SameExcept(t *testing.T, except []string, backends ...engine.Backend) {
	for _, k := range kernels {
		if slices.Contains(except, k.name) {
			continue
		}
		t.Run(k.name, func(t *testing.T) {
			first := k.run(t, backends[0], rand.New(rand.NewPCG(3, 4)))
			for bi, be := range backends[1:] {
				other := k.run(t, be, rand.New(rand.NewPCG(3, 4)))
				for i := range first {
					if j := firstDiff(first[i], other[i]); j >= 0 {
						t.Fatalf("backend %d, output %d, element %d: %v, backend 0 gave %v", bi+1, i, j, other[i][j], first[i][j])
					}
				}
			}
		})
	}
}

// firstDiff returns the first index where a and b differ in bits (NaNs
// equal), or −1.
func firstDiff(a, b []float32) int {
	if len(a) != len(b) {
		return 0
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) && !(a[i] != a[i] && b[i] != b[i]) {
			return i
		}
	}
	return -1
}

// sizes are the odd extents every kernel is tried on.
var sizes = []int{1, 3, 17, 127}

// shapes2 lists [rows, cols] pairs from sizes plus one shape large enough
// to be split across workers and across chain blocks and reduction chunks.
func shapes2() [][2]int {
	var out [][2]int
	for _, r := range sizes {
		for _, c := range sizes {
			out = append(out, [2]int{r, c})
		}
	}
	return append(out, [2]int{5, 2100}, [2]int{1500, 3})
}

func normals(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

func up(be engine.Backend, x []float32) engine.Buffer {
	b := be.Alloc(len(x))
	be.Upload(b, x)
	return b
}

func down(t *testing.T, be engine.Backend, b engine.Buffer) []float32 {
	t.Helper()
	x := make([]float32, b.Len())
	if err := be.Download(x, b); err != nil {
		t.Fatalf("download: %v", err)
	}
	return x
}

// near checks got against want within tol·scale, scale being at least the
// largest magnitude in want and 1, and reports the first miss.
func near(t *testing.T, what string, got []float32, want []float64, tol, scale float64) {
	t.Helper()
	scale = math.Max(scale, 1)
	for _, w := range want {
		scale = math.Max(scale, math.Abs(w))
	}
	for i := range want {
		if d := math.Abs(float64(got[i]) - want[i]); !(d <= tol*scale) {
			t.Fatalf("%s: element %d is %v, want %v (|diff| %.3g > %.3g)", what, i, got[i], want[i], d, tol*scale)
		}
	}
}

// exact checks got against want bit for bit (NaNs equal).
func exact(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if i := firstDiff(got, want); i >= 0 {
		if len(got) != len(want) {
			t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
		}
		t.Fatalf("%s: element %d is %v (%08x), want %v (%08x)", what, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
	}
}

// sumTol is the tolerance of k summands (see the package comment).
func sumTol(k int) float64 { return 4 * float64(k+8) * u }
