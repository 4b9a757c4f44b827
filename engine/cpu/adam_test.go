package cpu

import (
	"math"
	"math/rand"
	"slices"
	"testing"

	"genxai/engine"
)

// TestStepAdamMatchesGo holds the CPU backend's Adam loop (SSE on amd64) to
// engine.StepAdamArgs bit for bit: Adam without and with weight decay and
// AdamW, every length up to 19 (groups of four and a tail), gradients over
// twenty orders of magnitude, zeros among them and in the moments.
func TestStepAdamMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	draw := func(n int, positive bool) []float32 {
		v := make([]float32, n)
		for i := range v {
			if rng.Intn(6) > 0 {
				v[i] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.Intn(20)-14)))
			}
			if positive {
				v[i] *= v[i]
			}
		}
		return v
	}
	for _, u := range []engine.Update{
		{Kind: engine.Adam, LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, Step: 1},
		{Kind: engine.Adam, LR: 3e-4, Beta1: 0.5, Beta2: 0.99, Eps: 1e-6, WeightDecay: 0.01, Step: 7},
		{Kind: engine.AdamW, LR: 1e-3, Beta1: 0.9, Beta2: 0.99, Eps: 1e-8, WeightDecay: 0.1, Step: 120, Decay: true},
	} {
		a := u.AdamArgs()
		for n := 0; n <= 19; n++ {
			w, g, m, v := draw(n, false), draw(n, false), draw(n, false), draw(n, true)
			scale := float32(0.37)
			w2, m2, v2 := slices.Clone(w), slices.Clone(m), slices.Clone(v)
			stepAdam(a, w, g, m, v, scale)
			engine.StepAdamArgs(a, w2, g, m2, v2, scale)
			for i := range w {
				for _, p := range [][2]float32{{w[i], w2[i]}, {m[i], m2[i]}, {v[i], v2[i]}} {
					if math.Float32bits(p[0]) != math.Float32bits(p[1]) {
						t.Fatalf("%v, n=%d, element %d: w, m, v = %v, %v, %v; the Go loop gives %v, %v, %v", u.Kind, n, i, w[i], m[i], v[i], w2[i], m2[i], v2[i])
					}
				}
			}
		}
	}
}
