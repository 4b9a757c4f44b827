package featviz

import (
	"math"
	"math/rand"
)

// fourier is the decorrelated parameterization of Olah, Mordvintsev and
// Schubert ("Feature Visualization", Distill, 2017; Mordvintsev et al.,
// "Differentiable Image Parameterizations", Distill, 2018): each channel of
// the picture is sigmoid(ℓ), where ℓ is a real 2-D Fourier series whose
// coefficients are scaled by 1/max(|f|, 1/max(H, W)), |f| the frequency in
// cycles per pixel. Gradient steps on the coefficients then move all
// frequencies at a rate that matches natural images' 1/f spectrum, instead
// of favouring the high frequencies that make pixel-space optima look like
// noise.
//
//	ℓ(y, x) = Σ_{u<H, v≤W/2} s(u, v)·[A_uv cos 2π(uy/H + vx/W) + B_uv sin 2π(uy/H + vx/W)]
//
// with s including the normalization 1/√(HW). The sum is evaluated
// separably (rows, then columns) and so is its adjoint.
type fourier struct {
	c, h, w, wf int
	scale       []float64 // s(u, v), h×wf
	cy, sy      []float64 // cos and sin of 2πuy/H, h×h (u major)
	cx, sx      []float64 // cos and sin of 2πvx/W, wf×w (v major)
	coef        [][]float32
	opt         *adam
}

// newFourier starts every row's coefficients at small normal values drawn
// from rng (a nearly grey picture).
func newFourier(rows, c, h, w int, lr float64, rng *rand.Rand) *fourier {
	f := &fourier{c: c, h: h, w: w, wf: w/2 + 1}
	f.scale = make([]float64, h*f.wf)
	floor := 1 / float64(max(h, w))
	for u := range h {
		fy := float64(u) / float64(h)
		if u > h/2 {
			fy = float64(u-h) / float64(h)
		}
		for v := range f.wf {
			fx := float64(v) / float64(w)
			f.scale[u*f.wf+v] = 1 / math.Max(math.Hypot(fy, fx), floor) / math.Sqrt(float64(h*w))
		}
	}
	f.cy, f.sy = trig(h, h)
	f.cx, f.sx = trig(f.wf, w)
	dim := 2 * c * h * f.wf
	f.coef = make([][]float32, rows)
	for i := range f.coef {
		f.coef[i] = make([]float32, dim)
		for j := range f.coef[i] {
			f.coef[i][j] = float32(0.01 * rng.NormFloat64())
		}
	}
	f.opt = newAdam(lr, rows, dim)
	return f
}

// trig is cos and sin of 2π·k·t/n for k < rows, t < n, k major.
func trig(rows, n int) (c, s []float64) {
	c, s = make([]float64, rows*n), make([]float64, rows*n)
	for k := range rows {
		for t := range n {
			a := 2 * math.Pi * float64(k*t) / float64(n)
			c[k*n+t], s[k*n+t] = math.Cos(a), math.Sin(a)
		}
	}
	return c, s
}

// linear is ℓ of one channel from its coefficients a (cos) and b (sin),
// each h×wf: with P[u][x] = Σ_v s(a cos + b sin) and Q[u][x] = Σ_v s(b cos −
// a sin) (the angle-sum identities), ℓ(y, x) = Σ_u cos·P + sin·Q.
func (f *fourier) linear(a, b []float32) []float64 {
	h, w, wf := f.h, f.w, f.wf
	P, Q := make([]float64, h*w), make([]float64, h*w)
	for u := range h {
		for v := range wf {
			sa := f.scale[u*wf+v] * float64(a[u*wf+v])
			sb := f.scale[u*wf+v] * float64(b[u*wf+v])
			for x := range w {
				cv, sv := f.cx[v*w+x], f.sx[v*w+x]
				P[u*w+x] += sa*cv + sb*sv
				Q[u*w+x] += sb*cv - sa*sv
			}
		}
	}
	l := make([]float64, h*w)
	for u := range h {
		for y := range h {
			cu, su := f.cy[u*h+y], f.sy[u*h+y]
			for x := range w {
				l[y*w+x] += cu*P[u*w+x] + su*Q[u*w+x]
			}
		}
	}
	return l
}

// adjoint is the gradient with respect to the coefficients (a, b) of one
// channel given G = ∂L/∂ℓ: the transpose of linear.
func (f *fourier) adjoint(G []float64, ga, gb []float64) {
	h, w, wf := f.h, f.w, f.wf
	GP, GQ := make([]float64, h*w), make([]float64, h*w)
	for u := range h {
		for y := range h {
			cu, su := f.cy[u*h+y], f.sy[u*h+y]
			for x := range w {
				GP[u*w+x] += cu * G[y*w+x]
				GQ[u*w+x] += su * G[y*w+x]
			}
		}
	}
	for u := range h {
		for v := range wf {
			var da, db float64
			for x := range w {
				cv, sv := f.cx[v*w+x], f.sx[v*w+x]
				da += GP[u*w+x]*cv - GQ[u*w+x]*sv
				db += GP[u*w+x]*sv + GQ[u*w+x]*cv
			}
			ga[u*wf+v] = f.scale[u*wf+v] * da
			gb[u*wf+v] = f.scale[u*wf+v] * db
		}
	}
}

// channel returns the coefficient slices (a, b) of channel ch in row.
func (f *fourier) channel(row []float32, ch int) (a, b []float32) {
	n := f.h * f.wf
	return row[2*ch*n : (2*ch+1)*n], row[(2*ch+1)*n : (2*ch+2)*n]
}

func (f *fourier) render() ([][]float32, error) {
	hw := f.h * f.w
	out := make([][]float32, len(f.coef))
	for i, row := range f.coef {
		out[i] = make([]float32, f.c*hw)
		for ch := range f.c {
			for j, l := range f.linear(f.channel(row, ch)) {
				out[i][ch*hw+j] = float32(1 / (1 + math.Exp(-l)))
			}
		}
	}
	return out, nil
}

// ascend takes one Adam step on the coefficients given g = ∂f/∂picture,
// chained through the sigmoid (x(1 − x)) and the Fourier series.
func (f *fourier) ascend(g [][]float32, step int) error {
	xs, _ := f.render()
	hw, n := f.h*f.w, f.h*f.wf
	for i, row := range f.coef {
		grad := make([]float64, len(row))
		for ch := range f.c {
			G := make([]float64, hw)
			for j := range G {
				x := float64(xs[i][ch*hw+j])
				G[j] = float64(g[i][ch*hw+j]) * x * (1 - x)
			}
			f.adjoint(G, grad[2*ch*n:(2*ch+1)*n], grad[(2*ch+1)*n:(2*ch+2)*n])
		}
		f.opt.ascend(i, row, grad, step)
	}
	return nil
}

func (f *fourier) Close() error { return nil }
