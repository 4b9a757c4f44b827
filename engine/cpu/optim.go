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
	j := &b.update
	j.u, j.w, j.g, j.m = u, data("Update w", w, n), data("Update g", g, n), data("Update m", m, n)
	j.scale = Data(scale)[0]
	switch u.Kind {
	case engine.SGD:
		b.run(n, 4, j)
	case engine.Adam, engine.AdamW:
		j.v = data("Update v", v, n)
		b.run(n, 8, j)
	default:
		panic(fmt.Sprintf("cpu: Update: unknown optimizer %d", u.Kind))
	}
	*j = updateJob{}
}

// updateJob is Update's work, kept in the Backend so a call allocates nothing.
type updateJob struct {
	u          engine.Update
	w, g, m, v []float32
	scale      float32
}

func (j *updateJob) do(_, lo, hi int) {
	if j.u.Kind == engine.SGD {
		engine.StepSGD(j.u, j.w[lo:hi], j.g[lo:hi], j.m[lo:hi], j.scale)
		return
	}
	stepAdam(j.u.AdamArgs(), j.w[lo:hi], j.g[lo:hi], j.m[lo:hi], j.v[lo:hi], j.scale)
}
