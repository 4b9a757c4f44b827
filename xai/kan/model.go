package kan

import (
	"fmt"
	"math"

	"genxai/xai/latent"
)

// Layer is one KAN layer from In nodes to Out nodes: edge (i, j) carries
// φ_ij(x) = Mask_ij·(Wb_ij·silu(x) + Ws_ij·Σ_r C[(i·K + r)·Out + j]·B_r(x))
// with the B-spline basis of Grids[i] (K = Grids[i].Size(), the same for
// every input), and node j outputs Bias_j + Σ_i φ_ij(x_i). Wb, Ws and Mask
// are In×Out, row-major; Mask is 0 on pruned edges and 1 elsewhere.
type Layer struct {
	In, Out int
	Grids   []Grid
	C       []float64
	Wb, Ws  []float64
	Bias    []float64
	Mask    []float64
}

// K is the number of basis functions per edge.
func (l *Layer) K() int { return l.Grids[0].Size() }

// Coefs returns edge (i, j)'s spline coefficients (a copy).
func (l *Layer) Coefs(i, j int) []float64 {
	k := l.K()
	c := make([]float64, k)
	for r := range c {
		c[r] = l.C[(i*k+r)*l.Out+j]
	}
	return c
}

// Edge evaluates φ_ij(x).
func (l *Layer) Edge(i, j int, x float64) float64 {
	e := i*l.Out + j
	if l.Mask[e] == 0 {
		return 0
	}
	return l.Wb[e]*silu(x) + l.Ws[e]*l.Grids[i].Spline(l.Coefs(i, j), x)
}

// Forward maps one input vector to the layer's outputs.
func (l *Layer) Forward(x []float64) []float64 {
	y := append([]float64(nil), l.Bias...)
	for i := 0; i < l.In; i++ {
		for j := 0; j < l.Out; j++ {
			y[j] += l.Edge(i, j, x[i])
		}
	}
	return y
}

// Model is a KAN classifier: Layers[0] takes the standardized features
// ((x − Mean)/SD), the last layer gives one logit (two classes: the
// log-odds of Classes[1]) or one per class (softmax).
type Model struct {
	Features []string
	Classes  []string
	Widths   []int
	Mean, SD []float64
	Layers   []*Layer
}

// Standardize maps a feature row to the first layer's input.
func (m *Model) Standardize(row []float64) []float64 {
	z := make([]float64, len(row))
	for i, v := range row {
		z[i] = (v - m.Mean[i]) / m.SD[i]
	}
	return z
}

// Activations returns the inputs of every layer and the output for one
// feature row: acts[0] is the standardized row, acts[len(Layers)] the logits.
func (m *Model) Activations(row []float64) [][]float64 {
	acts := [][]float64{m.Standardize(row)}
	for _, l := range m.Layers {
		acts = append(acts, l.Forward(acts[len(acts)-1]))
	}
	return acts
}

// Probabilities returns the class probabilities of one feature row.
func (m *Model) Probabilities(row []float64) []float64 {
	acts := m.Activations(row)
	return probabilities(acts[len(acts)-1])
}

// probabilities turns logits into class probabilities: one logit is the
// log-odds of the second of two classes, several a softmax.
func probabilities(z []float64) []float64 {
	if len(z) == 1 {
		p := 1 / (1 + math.Exp(-z[0]))
		return []float64{1 - p, p}
	}
	mx := math.Inf(-1)
	for _, v := range z {
		mx = math.Max(mx, v)
	}
	p := make([]float64, len(z))
	var s float64
	for i, v := range z {
		p[i] = math.Exp(v - mx)
		s += p[i]
	}
	for i := range p {
		p[i] /= s
	}
	return p
}

// Score is a classifier's accuracy, mean log loss and (two classes) ROC AUC
// on a table.
type Score struct {
	Accuracy, LogLoss, AUC float64
}

// Score evaluates the model on the row-major x (rows of len(Features)) with
// class indices y.
func (m *Model) Score(x, y []float64) (Score, error) {
	p := len(m.Features)
	if len(x) != len(y)*p || len(y) == 0 {
		return Score{}, fmt.Errorf("kan score: %d values do not form %d rows of %d features", len(x), len(y), p)
	}
	var s Score
	pos := make([]float64, len(y))
	for r, c := range y {
		pr := m.Probabilities(x[r*p : (r+1)*p])
		best := 0
		for k := range pr {
			if pr[k] > pr[best] {
				best = k
			}
		}
		if best == int(c) {
			s.Accuracy++
		}
		s.LogLoss -= math.Log(math.Max(pr[int(c)], 1e-15))
		pos[r] = pr[len(pr)-1]
	}
	n := float64(len(y))
	s.Accuracy /= n
	s.LogLoss /= n
	s.AUC = math.NaN()
	if len(m.Classes) == 2 {
		s.AUC = latent.ROCAUC(pos, positives(y))
	}
	return s, nil
}

// positives marks the rows of class 1.
func positives(y []float64) []bool {
	b := make([]bool, len(y))
	for i, v := range y {
		b[i] = v == 1
	}
	return b
}
