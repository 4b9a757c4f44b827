package enginetest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"genxai/engine"
)

// gemmRef returns alpha·op(A)·op(B) + beta·C in float64 and, per element,
// the magnitude |alpha|·|op(A)|·|op(B)| + |beta·C| its rounding is relative to.
func gemmRef(s engine.GemmShape, a, b, c []float32) (want, mag []float64) {
	want, mag = make([]float64, s.M*s.N), make([]float64, s.M*s.N)
	at := func(i, p int) float64 {
		if s.TransA {
			return float64(a[p*s.M+i])
		}
		return float64(a[i*s.K+p])
	}
	bt := func(p, j int) float64 {
		if s.TransB {
			return float64(b[j*s.K+p])
		}
		return float64(b[p*s.N+j])
	}
	for i := 0; i < s.M; i++ {
		for j := 0; j < s.N; j++ {
			var sum, abs float64
			for p := 0; p < s.K; p++ {
				sum += at(i, p) * bt(p, j)
				abs += math.Abs(at(i, p) * bt(p, j))
			}
			k := i*s.N + j
			cv := 0.0
			if s.Beta != 0 {
				cv = float64(s.Beta) * float64(c[k])
			}
			want[k] = float64(s.Alpha)*sum + cv
			mag[k] = math.Abs(float64(s.Alpha))*abs + math.Abs(cv)
		}
	}
	return want, mag
}

// gemmShapes lists transposes and odd sizes, with alpha and beta varied.
func gemmShapes() []engine.GemmShape {
	var out []engine.GemmShape
	for n, m := range sizes {
		for _, k := range []int{1, 17, 127} {
			for f := 0; f < 4; f++ {
				out = append(out, engine.GemmShape{TransA: f&1 == 1, TransB: f&2 == 2, M: m, N: sizes[(n+1)%len(sizes)], K: k,
					Alpha: []float32{1, 0.5, -2}[f%3], Beta: []float32{0, 1, 0.25}[(f+n)%3]})
			}
		}
	}
	return out
}

// checkGemm checks one product's output against the reference.
func checkGemm(t *testing.T, what string, s engine.GemmShape, a, b, c, got []float32) {
	t.Helper()
	want, mag := gemmRef(s, a, b, c)
	tol := sumTol(s.K + 1)
	for i := range want {
		if d := math.Abs(float64(got[i]) - want[i]); !(d <= tol*mag[i]+1e-30) {
			t.Fatalf("%s: element %d is %v, want %v (|diff| %.3g > %.3g)", what, i, got[i], want[i], d, tol*mag[i])
		}
	}
}

func gemmCase(t *testing.T, be engine.Backend, rng *rand.Rand) (outs [][]float32) {
	for _, s := range gemmShapes() {
		la, lb, lc := s.Sizes()
		a, b, c := normals(rng, la), normals(rng, lb), normals(rng, lc)
		if s.Beta == 0 {
			c[0] = float32(math.NaN()) // beta = 0 ignores C
		}
		cb := up(be, c)
		be.Gemm(s, up(be, a), up(be, b), cb)
		got := down(t, be, cb)
		checkGemm(t, fmt.Sprintf("%+v", s), s, a, b, c, got)
		outs = append(outs, got)
	}
	return outs
}

func gemmBatchedCase(t *testing.T, be engine.Backend, rng *rand.Rand) (outs [][]float32) {
	for i, s := range gemmShapes() {
		batch := 1 + i%4
		la, lb, lc := s.Sizes()
		strideB := lb
		if i%3 == 0 {
			strideB = 0 // one B for every product (a shared weight)
		}
		a, b, c := normals(rng, batch*la), normals(rng, max((batch-1)*strideB+lb, lb)), normals(rng, batch*lc)
		cb := up(be, c)
		be.GemmBatched(s, batch, up(be, a), la, up(be, b), strideB, cb, lc)
		got := down(t, be, cb)
		for p := 0; p < batch; p++ {
			checkGemm(t, fmt.Sprintf("%+v product %d of %d", s, p, batch), s, a[p*la:(p+1)*la], b[p*strideB:p*strideB+lb], c[p*lc:(p+1)*lc], got[p*lc:(p+1)*lc])
		}
		outs = append(outs, got)
	}
	return outs
}
