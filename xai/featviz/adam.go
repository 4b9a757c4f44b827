package featviz

import "math"

// adam is Adam (Kingma and Ba, "Adam: A Method for Stochastic
// Optimization", 2015) for gradient ascent on rows of parameters, with
// β₁ = 0.9, β₂ = 0.999 and ε = 1e-8.
type adam struct {
	lr   float64
	m, v [][]float64
}

func newAdam(lr float64, rows, dim int) *adam {
	a := &adam{lr: lr, m: make([][]float64, rows), v: make([][]float64, rows)}
	for i := range a.m {
		a.m[i], a.v[i] = make([]float64, dim), make([]float64, dim)
	}
	return a
}

// ascend moves row i of the parameters, p, one step up the gradient g;
// step counts from 1 (the bias corrections).
func (a *adam) ascend(i int, p []float32, g []float64, step int) {
	const b1, b2, eps = 0.9, 0.999, 1e-8
	m, v := a.m[i], a.v[i]
	for j, gj := range g {
		m[j] = b1*m[j] + (1-b1)*gj
		v[j] = b2*v[j] + (1-b2)*gj*gj
		mh := m[j] / (1 - math.Pow(b1, float64(step)))
		vh := v[j] / (1 - math.Pow(b2, float64(step)))
		p[j] = float32(float64(p[j]) + a.lr*mh/(math.Sqrt(vh)+eps))
	}
}
