package kan

import (
	"math"
	"testing"
)

// coxDeBoor is the textbook recursion on explicit knots, written out
// independently of Grid.Basis: B_{r,0} = [t_r ≤ x < t_{r+1}], then the
// two-term recursion.
func coxDeBoor(t []float64, r, p int, x float64) float64 {
	if p == 0 {
		if t[r] <= x && x < t[r+1] {
			return 1
		}
		return 0
	}
	return (x-t[r])/(t[r+p]-t[r])*coxDeBoor(t, r, p-1, x) + (t[r+p+1]-x)/(t[r+p+1]-t[r+1])*coxDeBoor(t, r+1, p-1, x)
}

func TestBasisAgainstCoxDeBoor(t *testing.T) {
	g := Grid{Lo: -1, Hi: 2, Intervals: 5}
	knots := g.Knots()
	if len(knots) != 5+2*Order+1 || knots[Order] != -1 || math.Abs(knots[Order+5]-2) > 1e-12 {
		t.Fatalf("knots %v", knots)
	}
	b, d := make([]float64, g.Size()), make([]float64, g.Size())
	for _, x := range []float64{-1, -0.73, 0, 0.2, 0.5, 1.1, 1.999} {
		g.Basis(x, b, d)
		var sum float64
		for r := range b {
			want := coxDeBoor(knots, r, Order, x)
			if math.Abs(b[r]-want) > 1e-12 {
				t.Errorf("B_%d(%g) = %g, Cox–de Boor gives %g", r, x, b[r], want)
			}
			sum += b[r]
			// derivative against a central difference of the reference
			const h = 1e-6
			fd := (coxDeBoor(knots, r, Order, x+h) - coxDeBoor(knots, r, Order, x-h)) / (2 * h)
			if x-h >= g.Lo && math.Abs(d[r]-fd) > 1e-5 {
				t.Errorf("B'_%d(%g) = %g, finite difference %g", r, x, d[r], fd)
			}
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Errorf("basis at %g sums to %g, want 1 (partition of unity)", x, sum)
		}
	}
}

func TestBasisKnownValues(t *testing.T) {
	// On a uniform grid a cubic B-spline is 1/6, 2/3, 1/6 at its inner
	// knots: at the knot x = Lo the nonzero functions are B_0, B_1, B_2.
	g := Grid{Lo: 0, Hi: 4, Intervals: 4}
	b := make([]float64, g.Size())
	g.Basis(1, b, nil) // knot t_4: B_1, B_2, B_3 nonzero
	want := []float64{0, 1.0 / 6, 2.0 / 3, 1.0 / 6, 0, 0, 0}
	for r := range want {
		if math.Abs(b[r]-want[r]) > 1e-12 {
			t.Errorf("B_%d(1) = %g, want %g", r, b[r], want[r])
		}
	}
	// The closed last interval: at Hi the sum is still one; beyond it the
	// basis is clamped and the derivative zero.
	d := make([]float64, g.Size())
	g.Basis(4, b, nil)
	g.Basis(7, make([]float64, g.Size()), d)
	var s float64
	for r := range b {
		s += b[r]
		if d[r] != 0 {
			t.Errorf("derivative outside the grid B'_%d(7) = %g, want 0", r, d[r])
		}
	}
	if math.Abs(s-1) > 1e-12 {
		t.Errorf("basis at Hi sums to %g", s)
	}
}
