package cpu

import (
	"fmt"
	"math"

	"genxai/engine"
)

// ClipScale sums the squares of every gradient in float64, sequentially in
// the order of grads, as train.Optimizer does, so the scale has its bits.
func (b *Backend) ClipScale(grads []engine.Buffer, maxNorm float64, out engine.Buffer) {
	od := data("ClipScale out", out, engine.ClipValues)
	var sq float64
	for _, g := range grads {
		for _, x := range Data(g) {
			sq += float64(x) * float64(x)
		}
	}
	norm := math.Sqrt(sq)
	engine.EncodeClip(od, engine.ClipScale(norm, maxNorm), norm)
}

// Update applies one optimizer step in one pass over the parameter, split
// across workers (every element is independent).
func (b *Backend) Update(u engine.Update, w, g, m, v, scale engine.Buffer) {
	n := w.Len()
	wd, gd, md := data("Update w", w, n), data("Update g", g, n), data("Update m", m, n)
	sc := Data(scale)[0]
	switch u.Kind {
	case engine.SGD:
		b.parallel(n, 4, func(_, lo, hi int) { sgd(u, wd[lo:hi], gd[lo:hi], md[lo:hi], sc) })
	case engine.Adam, engine.AdamW:
		vd := data("Update v", v, n)
		b.parallel(n, 8, func(_, lo, hi int) { adam(u, wd[lo:hi], gd[lo:hi], md[lo:hi], vd[lo:hi], sc) })
	default:
		panic(fmt.Sprintf("cpu: Update: unknown optimizer %d", u.Kind))
	}
}

// sgd is train.Optimizer's SGD loop, expression for expression.
func sgd(u engine.Update, w, g, vel []float32, scale float32) {
	wd := float32(u.WeightDecay)
	mu, eta := float32(u.Momentum), float32(u.LR)
	for i := range w {
		gi := g[i]*scale + wd*w[i]
		if mu != 0 {
			vel[i] = mu*vel[i] + gi
			gi = vel[i]
		}
		w[i] -= eta * gi
	}
}

// adam is train.Optimizer's Adam and AdamW loop, expression for expression.
func adam(u engine.Update, w, g, m, v []float32, scale float32) {
	wd := float32(u.WeightDecay)
	b1, b2 := float32(u.Beta1), float32(u.Beta2)
	stepSize, sqrtBC2, decay := u.Factors()
	eps := float32(u.Eps)
	decoupled := u.Kind == engine.AdamW
	for i := range w {
		gi := g[i] * scale
		if decoupled {
			w[i] *= decay
		} else if wd != 0 {
			gi += wd * w[i]
		}
		m[i] = b1*m[i] + (1-b1)*gi
		v[i] = b2*v[i] + (1-b2)*gi*gi
		denom := float32(math.Sqrt(float64(v[i])))/sqrtBC2 + eps
		w[i] -= stepSize * m[i] / denom
	}
}
