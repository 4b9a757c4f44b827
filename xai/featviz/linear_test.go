package featviz

import (
	"math"
	"math/rand"
	"testing"
)

// TestAdjoints checks ⟨A u, v⟩ = ⟨u, Aᵀ v⟩ for the linear maps whose
// transposes carry gradients back: the Fourier series and a warp.
func TestAdjoints(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	randv := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		return v
	}
	f32 := func(v []float64) []float32 {
		o := make([]float32, len(v))
		for i, x := range v {
			o[i] = float32(x)
		}
		return o
	}
	dot64 := func(a, b []float64) (s float64) {
		for i := range a {
			s += a[i] * b[i]
		}
		return s
	}
	f := newFourier(1, 1, 5, 6, 0.1, rng)
	n := f.h * f.wf
	a, b, G := randv(n), randv(n), randv(f.h*f.w)
	ga, gb := make([]float64, n), make([]float64, n)
	f.adjoint(G, ga, gb)
	if lhs, rhs := dot64(f.linear(f32(a), f32(b)), G), dot64(a, ga)+dot64(b, gb); math.Abs(lhs-rhs) > 1e-4*math.Max(1, math.Abs(lhs)) {
		t.Errorf("Fourier series: ⟨Au, v⟩ = %v, ⟨u, Aᵀv⟩ = %v", lhs, rhs)
	}
	wp := affine(7, 9, 1, -2, 0.3, 1.1)
	u, v := f32(randv(2*63)), f32(randv(2*63))
	lhs := dot(wp.apply([][]float32{u}, 2)[0], v)
	rhs := dot(u, wp.adjoint([][]float32{v}, 2)[0])
	if math.Abs(lhs-rhs) > 1e-4*math.Max(1, math.Abs(lhs)) {
		t.Errorf("warp: ⟨Au, v⟩ = %v, ⟨u, Aᵀv⟩ = %v", lhs, rhs)
	}
	// The identity warp and a pure whole-pixel shift move pixels exactly.
	sh := affine(3, 3, 1, 0, 0, 1).apply([][]float32{{1, 2, 3, 4, 5, 6, 7, 8, 9}}, 1)[0]
	if want := []float32{0, 1, 2, 0, 4, 5, 0, 7, 8}; !equal(sh, want) {
		t.Errorf("shift right by one: %v, want %v", sh, want)
	}
}

func equal(a, b []float32) bool {
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 1e-6 {
			return false
		}
	}
	return len(a) == len(b)
}

// TestFourierSpectrum checks the 1/f scaling: the coefficient of the
// lowest frequency outweighs the highest by the ratio of the frequencies.
func TestFourierSpectrum(t *testing.T) {
	f := newFourier(1, 1, 28, 28, 0.1, rand.New(rand.NewSource(1)))
	lo, hi := f.scale[0*f.wf+1], f.scale[14*f.wf+14]
	if r := lo / hi; math.Abs(r-math.Hypot(0.5, 0.5)/(1.0/28)) > 1e-9 {
		t.Errorf("scale ratio lowest/highest frequency %v, want %v", r, math.Hypot(0.5, 0.5)*28)
	}
}

// TestDiversityGradient checks the diversity term's feature gradient against
// finite differences of −λ/(n−1)·Σ_j cos(f_i, f_j).
func TestDiversityGradient(t *testing.T) {
	clf := &classifier{classes: 1}
	l := layout{targets: []Target{{Kind: "class"}}, n: 3, r: 1}
	out := [][]float32{{0, 0, 1, 2, 0.5}, {0, 0, 0.3, 1, 2}, {0, 0, 2, 0.1, 1}}
	g := diversityGrad(clf, out, l, 2)
	pen := func(out [][]float32) float64 {
		var s float64
		for j := 1; j < 3; j++ {
			a, b := clf.feat(out[0]), clf.feat(out[j])
			s += dot(a, b) / math.Sqrt(dot(a, a)*dot(b, b))
		}
		return -2 * s / 2
	}
	for d := range 3 {
		const h = 1e-3
		p, m := clone(out), clone(out)
		p[0][2+d] += h
		m[0][2+d] -= h
		if fd := (pen(p) - pen(m)) / (2 * h); math.Abs(fd-float64(g[0][d])) > 1e-3 {
			t.Errorf("feature %d: gradient %v, finite difference %v", d, g[0][d], fd)
		}
	}
}

func clone(x [][]float32) [][]float32 {
	o := make([][]float32, len(x))
	for i := range x {
		o[i] = append([]float32(nil), x[i]...)
	}
	return o
}
