// Package lags explains the one-step forecasts of a neural autoregressive
// model (a forecaster run, models.Forecaster): how much each past value of
// the series contributed to each forecast of the test segment, the
// time-series counterpart of the token heatmaps of package tokens. It also
// fits AR(p) (package timeseries) on the same training segment, so both
// models' test errors sit in one table and both have lag attributions.
package lags

import (
	"fmt"
	"math"
)

// Gradient evaluates a scalar function of real vectors and its gradient at
// each of the points.
type Gradient func(points [][]float64) (values []float64, grads [][]float64, err error)

// IG holds the integrated-gradients attribution of one input.
type IG struct {
	Attr     []float64 // attribution of each coordinate
	Value    float64   // f(x)
	Baseline float64   // f(baseline)
}

// CompletenessError is |Σ Attr − (f(x) − f(baseline))|, the gap the
// quadrature leaves in the completeness axiom.
func (g IG) CompletenessError() float64 {
	s := 0.0
	for _, a := range g.Attr {
		s += a
	}
	return math.Abs(s - (g.Value - g.Baseline))
}

// IntegratedGradients attributes f(x) − f(baseline) to the coordinates of x
// (Sundararajan, Taly and Yan, "Axiomatic Attribution for Deep Networks",
// ICML 2017): Attr_k = (x_k − b_k) ∫₀¹ ∂f/∂x_k(b + α(x − b)) dα, the
// integral by the midpoint rule with steps points. For a function linear in
// x the gradient is constant and the attribution is exact: φ_k (x_k − b_k).
func IntegratedGradients(f Gradient, x, baseline []float64, steps int) (IG, error) {
	if steps < 1 {
		return IG{}, fmt.Errorf("integrated gradients: %d steps; want at least 1", steps)
	}
	if len(x) != len(baseline) {
		return IG{}, fmt.Errorf("integrated gradients: input of %d values, baseline of %d", len(x), len(baseline))
	}
	points := make([][]float64, 0, steps+2)
	for i := 0; i < steps; i++ {
		a := (float64(i) + 0.5) / float64(steps)
		p := make([]float64, len(x))
		for k := range p {
			p[k] = baseline[k] + a*(x[k]-baseline[k])
		}
		points = append(points, p)
	}
	points = append(points, x, baseline)
	vals, grads, err := f(points)
	if err != nil {
		return IG{}, err
	}
	res := IG{Attr: make([]float64, len(x)), Value: vals[steps], Baseline: vals[steps+1]}
	for k := range x {
		s := 0.0
		for i := 0; i < steps; i++ {
			s += grads[i][k]
		}
		res.Attr[k] = (x[k] - baseline[k]) * s / float64(steps)
	}
	return res, nil
}
