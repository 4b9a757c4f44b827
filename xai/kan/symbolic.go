package kan

import "math"

// Primitive is one function of the symbolic library.
type Primitive struct {
	Name string
	F    func(u float64) float64
	// Domain reports whether u is inside the function's domain.
	Domain func(u float64) bool
}

func anywhere(float64) bool { return true }

// Library is the symbolic library, simplest first (the order breaks ties
// between fits that reach the threshold): a·f(b·x + c) + d is fitted for
// each f.
var Library = []Primitive{
	{"x", func(u float64) float64 { return u }, anywhere},
	{"x^2", func(u float64) float64 { return u * u }, anywhere},
	{"x^3", func(u float64) float64 { return u * u * u }, anywhere},
	{"abs", math.Abs, anywhere},
	{"exp", math.Exp, func(u float64) bool { return u < 50 }},
	{"log", math.Log, func(u float64) bool { return u > 1e-6 }},
	{"sqrt", math.Sqrt, func(u float64) bool { return u >= 0 }},
	{"sin", math.Sin, anywhere},
	{"tanh", math.Tanh, anywhere},
}

// SymbolicFit is the best affine fit y ≈ A·f(B·x + C) + D of one primitive.
type SymbolicFit struct {
	Function   string  `json:"function"`
	A, B, C, D float64 `json:"-"`
	R2         float64 `json:"r2"`
}

// affine returns the least-squares a, d of y ≈ a·u + d, the residual sum of
// squares, and false when u is constant.
func affine(u, y []float64) (a, d, sse float64, ok bool) {
	n := float64(len(u))
	var mu, my float64
	for i := range u {
		mu += u[i]
		my += y[i]
	}
	mu, my = mu/n, my/n
	var suu, suy float64
	for i := range u {
		suu += (u[i] - mu) * (u[i] - mu)
		suy += (u[i] - mu) * (y[i] - my)
	}
	if !(suu > 1e-12*n) {
		return 0, 0, 0, false
	}
	a = suy / suu
	d = my - a*mu
	for i := range u {
		r := y[i] - a*u[i] - d
		sse += r * r
	}
	return a, d, sse, true
}

// FitPrimitive fits y ≈ a·f(b·x + c) + d: for each (b, c) the best a and d
// are linear least squares, (b, c) is searched on a grid (|b| from 0.1 to
// 10, c from −5 to 5, as pykan's auto_symbolic does) and then refined by
// compass search. R² is 1 − SSE/SST (−Inf when no (b, c) keeps b·x + c in f's
// domain or y is constant).
func FitPrimitive(p Primitive, x, y []float64) SymbolicFit {
	var my, sst float64
	for _, v := range y {
		my += v
	}
	my /= float64(len(y))
	for _, v := range y {
		sst += (v - my) * (v - my)
	}
	best := SymbolicFit{Function: p.Name, R2: math.Inf(-1)}
	if !(sst > 0) {
		return best
	}
	u := make([]float64, len(x))
	sseAt := func(b, c float64) (float64, float64, float64) {
		for i, v := range x {
			w := b*v + c
			if !p.Domain(w) {
				return math.Inf(1), 0, 0
			}
			u[i] = p.F(w)
		}
		a, d, sse, ok := affine(u, y)
		if !ok {
			return math.Inf(1), 0, 0
		}
		return sse, a, d
	}
	bestSSE, bb, bc := math.Inf(1), 1.0, 0.0
	for bi := 0; bi <= 20; bi++ {
		mag := math.Pow(10, -1+float64(bi)/10)
		for _, b := range []float64{mag, -mag} {
			for ci := 0; ci <= 40; ci++ {
				c := -5 + float64(ci)/4
				if s, _, _ := sseAt(b, c); s < bestSSE {
					bestSSE, bb, bc = s, b, c
				}
			}
		}
	}
	if math.IsInf(bestSSE, 1) {
		return best
	}
	bb, bc = compassSearch(func(b, c float64) float64 { s, _, _ := sseAt(b, c); return s }, bb, bc, 0.05)
	sse, a, d := sseAt(bb, bc)
	best.A, best.B, best.C, best.D = a, bb, bc, d
	best.R2 = 1 - sse/sst
	return best
}

// Suggest fits every primitive of the library to (x, y) and returns the
// simplest whose R² reaches threshold, suggested, or else the best fit,
// not suggested.
func Suggest(x, y []float64, threshold float64) (fit SymbolicFit, suggested bool) {
	fit.R2 = math.Inf(-1)
	for _, p := range Library {
		f := FitPrimitive(p, x, y)
		if f.R2 >= threshold {
			return f, true
		}
		if f.R2 > fit.R2 {
			fit = f
		}
	}
	return fit, false
}

// compassSearch minimises f from (b, c) by compass (pattern) search (Kolda,
// Lewis and Torczon, 2003): try a step in each of the four directions,
// move on improvement, halve the step otherwise, until it is below 1e-9 or
// after 400 evaluations.
func compassSearch(f func(b, c float64) float64, b, c, step float64) (float64, float64) {
	fb := f(b, c)
	for evals := 0; step > 1e-9 && evals < 400; {
		moved := false
		for _, d := range [][2]float64{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
			nb, nc := b+step*d[0], c+step*d[1]
			evals++
			if v := f(nb, nc); v < fb {
				b, c, fb, moved = nb, nc, v, true
				break
			}
		}
		if !moved {
			step /= 2
		}
	}
	return b, c
}
