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
		b.parallel(n, 4, func(_, lo, hi int) { engine.StepSGD(u, wd[lo:hi], gd[lo:hi], md[lo:hi], sc) })
	case engine.Adam, engine.AdamW:
		vd := data("Update v", v, n)
		b.parallel(n, 8, func(_, lo, hi int) { engine.StepAdam(u, wd[lo:hi], gd[lo:hi], md[lo:hi], vd[lo:hi], sc) })
	default:
		panic(fmt.Sprintf("cpu: Update: unknown optimizer %d", u.Kind))
	}
}
