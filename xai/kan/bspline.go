package kan

import "math"

// Order is the degree of the splines on the edges (cubic, as in the paper).
const Order = 3

// Grid is a uniform B-spline grid on [Lo, Hi] with Intervals intervals,
// extended by Order knots on each side (the paper's G + 2k knots): the
// Intervals + Order basis functions sum to one on [Lo, Hi].
type Grid struct {
	Lo, Hi    float64
	Intervals int
}

// Size is the number of basis functions, Intervals + Order.
func (g Grid) Size() int { return g.Intervals + Order }

// Knots returns the Intervals + 2·Order + 1 knots t_r = Lo + (r − Order)·h,
// h = (Hi − Lo)/Intervals.
func (g Grid) Knots() []float64 {
	h := (g.Hi - g.Lo) / float64(g.Intervals)
	t := make([]float64, g.Intervals+2*Order+1)
	for r := range t {
		t[r] = g.Lo + float64(r-Order)*h
	}
	return t
}

// Basis writes B_r(x), r = 0 … Size()−1, into b and, when d is not nil,
// their derivatives into d, by the Cox–de Boor recursion
//
//	B_{r,0}(x) = [t_r ≤ x < t_{r+1}],
//	B_{r,p}(x) = (x − t_r)/(t_{r+p} − t_r)·B_{r,p−1}(x) + (t_{r+p+1} − x)/(t_{r+p+1} − t_{r+1})·B_{r+1,p−1}(x),
//	B'_{r,p}(x) = p·(B_{r,p−1}(x)/(t_{r+p} − t_r) − B_{r+1,p−1}(x)/(t_{r+p+1} − t_{r+1})).
//
// x is clamped to [Lo, Hi] (the last interval is closed), so the spline is
// constant outside the grid and its derivative there is zero.
func (g Grid) Basis(x float64, b, d []float64) {
	t := g.Knots()
	outside := x < g.Lo || x > g.Hi
	x = math.Min(math.Max(x, g.Lo), g.Hi)
	n := len(t) - 1 // degree-0 functions
	cur := make([]float64, n)
	s := int(math.Floor((x - g.Lo) / (g.Hi - g.Lo) * float64(g.Intervals)))
	s = min(max(s, 0), g.Intervals-1) + Order
	cur[s] = 1
	var prev []float64
	for p := 1; p <= Order; p++ {
		prev = cur
		cur = make([]float64, n-p)
		for r := range cur {
			var v float64
			if prev[r] != 0 {
				v += (x - t[r]) / (t[r+p] - t[r]) * prev[r]
			}
			if prev[r+1] != 0 {
				v += (t[r+p+1] - x) / (t[r+p+1] - t[r+1]) * prev[r+1]
			}
			cur[r] = v
		}
	}
	copy(b, cur)
	if d == nil {
		return
	}
	for r := range cur {
		d[r] = 0
		if outside {
			continue
		}
		d[r] = float64(Order) * (prev[r]/(t[r+Order]-t[r]) - prev[r+1]/(t[r+Order+1]-t[r+1]))
	}
}

// Spline evaluates Σ_r c_r B_r(x) for coefficients c of length Size().
func (g Grid) Spline(c []float64, x float64) float64 {
	b := make([]float64, g.Size())
	g.Basis(x, b, nil)
	var v float64
	for r, br := range b {
		v += c[r] * br
	}
	return v
}

// silu is x·sigmoid(x), the paper's base function b(x).
func silu(x float64) float64 { return x / (1 + math.Exp(-x)) }
