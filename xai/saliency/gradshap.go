package saliency

import (
	"fmt"
	"math/rand"

	"genxai/xai/explain"
)

// GradientSHAP approximates SHAP values by expected gradients (Lundberg and
// Lee, "A Unified Approach to Interpreting Model Predictions", 2017, as
// Captum's GradientShap computes them): for each of samples draws, a
// baseline b from baselines (uniformly), Gaussian noise of standard
// deviation noise (pixel units) added to the input, x̃ = x + ε, and α
// uniform in [0, 1]; the attribution is the mean of ∂f/∂x at b + α(x̃ − b)
// times (x̃ − b). With one baseline and no noise its expectation is
// Integrated Gradients from that baseline. The draws come from rng; the
// points are evaluated a chunk of s.Batch rows at a time.
func GradientSHAP(s *explain.Scorer, qs []explain.Query, baselines [][]float32, samples int, noise float64, rng *rand.Rand) ([][]float32, error) {
	if samples < 1 || len(baselines) == 0 || !(noise >= 0) {
		return nil, fmt.Errorf("gradientshap: needs at least one sample (got %d) and one baseline (got %d), and noise ≥ 0 (got %v)",
			samples, len(baselines), noise)
	}
	for i, b := range baselines {
		if len(qs) > 0 && len(b) != len(qs[0].X) {
			return nil, fmt.Errorf("gradientshap: baseline %d has %d values, the inputs %d", i, len(b), len(qs[0].X))
		}
	}
	delta := make([][]float32, s.Batch) // x̃ − b of each row of the chunk
	acc := newAccumulator(qs)
	err := stream(s, qs, samples, func(_, _, slot int, x []float32) {
		b := baselines[rng.Intn(len(baselines))]
		a := float32(rng.Float64())
		d := append(delta[slot][:0], x...)
		for j := range x {
			d[j] += float32(rng.NormFloat64()*noise) - b[j]
			x[j] = b[j] + a*d[j]
		}
		delta[slot] = d
	}, func(i, _, slot int, _ float64, g []float32) {
		for j, v := range g {
			acc[i][j] += float64(v) * float64(delta[slot][j])
		}
	})
	if err != nil {
		return nil, err
	}
	return acc.scaled(1 / float64(samples)), nil
}
