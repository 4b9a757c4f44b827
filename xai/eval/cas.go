package eval

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
)

// SoftmaxProbe is a multinomial logistic regression on standardized
// features: the classifier of the classification accuracy score.
type SoftmaxProbe struct {
	Classes   int
	mean, std []float64   // of the training features
	w         [][]float64 // Classes rows of d weights and a bias
}

// probeL2 is the weight of the probe's L2 penalty (λ/2·‖W‖², biases free).
const probeL2 = 1e-3

// FitSoftmaxProbe fits a SoftmaxProbe to features x with labels y in
// 0..classes−1 by minimizing the mean cross-entropy plus probeL2/2·‖W‖²
// with maxIter full-batch steps of Adam (Kingma and Ba, 2015) from zero
// weights: a convex problem, deterministic for given data.
func FitSoftmaxProbe(x [][]float64, y []int, classes, maxIter int) (*SoftmaxProbe, error) {
	if len(x) == 0 || len(x) != len(y) {
		return nil, fmt.Errorf("softmax probe: %d feature rows and %d labels; need the same number, at least one", len(x), len(y))
	}
	for i, c := range y {
		if c < 0 || c >= classes {
			return nil, fmt.Errorf("softmax probe: label %d of row %d is outside 0..%d", c, i, classes-1)
		}
	}
	d := len(x[0])
	p := &SoftmaxProbe{Classes: classes, mean: make([]float64, d), std: make([]float64, d)}
	for _, row := range x {
		for j, v := range row {
			p.mean[j] += v / float64(len(x))
		}
	}
	for _, row := range x {
		for j, v := range row {
			p.std[j] += (v - p.mean[j]) * (v - p.mean[j]) / float64(len(x))
		}
	}
	for j := range p.std {
		p.std[j] = math.Sqrt(p.std[j])
		if p.std[j] < 1e-12 {
			p.std[j] = 1 // a constant feature carries nothing; keep it at 0
		}
	}
	z := make([][]float64, len(x))
	for i, row := range x {
		z[i] = p.standardize(row)
	}
	stride := d + 1
	loss := func(theta, grad []float64) float64 {
		if grad != nil {
			clear(grad)
		}
		var f float64
		prob := make([]float64, classes)
		for i, row := range z {
			p.logits(theta, row, prob)
			lse := floats.LogSumExp(prob)
			f -= prob[y[i]] - lse
			if grad == nil {
				continue
			}
			for c := range prob {
				g := math.Exp(prob[c] - lse)
				if c == y[i] {
					g--
				}
				g /= float64(len(z))
				gc := grad[c*stride : (c+1)*stride]
				for j, v := range row {
					gc[j] += g * v
				}
				gc[d] += g
			}
		}
		f /= float64(len(z))
		for c := 0; c < classes; c++ {
			for j := 0; j < d; j++ {
				w := theta[c*stride+j]
				f += probeL2 / 2 * w * w
				if grad != nil {
					grad[c*stride+j] += probeL2 * w
				}
			}
		}
		return f
	}
	theta := minimizeAdam(loss, make([]float64, classes*stride), maxIter, 0.05)
	p.w = make([][]float64, classes)
	for c := range p.w {
		p.w[c] = theta[c*stride : (c+1)*stride]
	}
	return p, nil
}

// standardize returns (row − mean)/std.
func (p *SoftmaxProbe) standardize(row []float64) []float64 {
	z := make([]float64, len(row))
	for j, v := range row {
		z[j] = (v - p.mean[j]) / p.std[j]
	}
	return z
}

// logits writes the class scores of the standardized row z under the flat
// parameters theta into out.
func (p *SoftmaxProbe) logits(theta, z, out []float64) {
	stride := len(z) + 1
	for c := range out {
		w := theta[c*stride : (c+1)*stride]
		s := w[len(z)]
		for j, v := range z {
			s += w[j] * v
		}
		out[c] = s
	}
}

// Accuracy is the share of rows of x whose most probable class is their
// label in y.
func (p *SoftmaxProbe) Accuracy(x [][]float64, y []int) float64 {
	theta := make([]float64, 0, p.Classes*(len(p.mean)+1))
	for _, w := range p.w {
		theta = append(theta, w...)
	}
	out := make([]float64, p.Classes)
	hit := 0
	for i, row := range x {
		p.logits(theta, p.standardize(row), out)
		best := 0
		for c, v := range out {
			if v > out[best] {
				best = c
			}
		}
		if best == y[i] {
			hit++
		}
	}
	return float64(hit) / float64(len(x))
}

// ClassificationAccuracyScore is the CAS of Ravuri and Vinyals,
// "Classification Accuracy Score for Conditional Generative Models"
// (NeurIPS 2019): a classifier trained only on generated images labelled
// with their conditioning class, tested on real labelled images. Here the
// classifier is a SoftmaxProbe on the judge's features (train: genFeat,
// genLabels; test: realFeat, realLabels), not a network trained from
// pixels: it takes seconds, needs no training config, and keeps every
// generator metric in the one feature space of the judge. The same probe
// trained on real images gives the ceiling to compare with.
func ClassificationAccuracyScore(genFeat [][]float64, genLabels []int, realFeat [][]float64, realLabels []int, classes int) (float64, error) {
	p, err := FitSoftmaxProbe(genFeat, genLabels, classes, 300)
	if err != nil {
		return 0, fmt.Errorf("classification accuracy score: %w", err)
	}
	return p.Accuracy(realFeat, realLabels), nil
}

// minimizeAdam takes steps full-batch Adam steps (β₁ 0.9, β₂ 0.999) of size
// lr on f, which returns the objective and writes its gradient, from theta,
// and returns the parameters with the lowest objective seen.
func minimizeAdam(f func(theta, grad []float64) float64, theta []float64, steps int, lr float64) []float64 {
	const b1, b2, eps = 0.9, 0.999, 1e-8
	grad := make([]float64, len(theta))
	m, v := make([]float64, len(theta)), make([]float64, len(theta))
	best, bestF := append([]float64(nil), theta...), math.Inf(1)
	for t := 1; t <= steps; t++ {
		if fx := f(theta, grad); fx < bestF {
			bestF = fx
			copy(best, theta)
		}
		c1, c2 := 1-math.Pow(b1, float64(t)), 1-math.Pow(b2, float64(t))
		for i, g := range grad {
			m[i] = b1*m[i] + (1-b1)*g
			v[i] = b2*v[i] + (1-b2)*g*g
			theta[i] -= lr * (m[i] / c1) / (math.Sqrt(v[i]/c2) + eps)
		}
	}
	if fx := f(theta, grad); fx < bestF {
		copy(best, theta)
	}
	return best
}
