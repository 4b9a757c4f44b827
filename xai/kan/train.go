package kan

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Options are the settings of a KAN fit.
type Options struct {
	// Hidden lists the widths of the hidden layers (empty: one layer, an
	// additive model whose first-layer edges are the shape functions).
	Hidden []int
	// Grid is the number of grid intervals G of the first training stage,
	// GridExtend the finer G2 the grid is extended to after pruning (0: no
	// extension).
	Grid, GridExtend int
	// Steps are the Adam steps of the first stage, RetrainSteps those after
	// pruning and grid extension (without the regularisation).
	Steps, RetrainSteps int
	// LR is Adam's step size.
	LR float64
	// Reg is the sparsity regularisation of the first stage.
	Reg Reg
	// PruneThreshold: a node whose largest incoming and largest outgoing
	// mean |φ| are not both above it is pruned (inputs: the outgoing one
	// alone); 0 turns pruning off.
	PruneThreshold float64
	// Seed seeds the initial parameters.
	Seed uint64
}

// Log receives one line per training stage (nil: silent).
type Log func(format string, args ...any)

// History records the fit: the loss after each stage and what pruning did.
type History struct {
	Stages []Stage `json:"stages"`
	// PrunedInputs and PrunedHidden name the nodes pruning removed
	// (feature names; "layer l node j" for hidden nodes).
	PrunedInputs []string `json:"pruned_inputs"`
	PrunedHidden []string `json:"pruned_hidden"`
	// GridMaxError is the largest |φ_new − φ_old| of the grid extension on
	// a dense set of points (nil without an extension).
	GridMaxError *float64 `json:"grid_extension_max_error,omitempty"`
}

// Stage is one training stage's summary.
type Stage struct {
	Name      string  `json:"name"`
	Grid      int     `json:"grid"`
	Steps     int     `json:"steps"`
	Loss      float64 `json:"loss"`
	Objective float64 `json:"objective"`
}

// New returns an untrained KAN for the feature names and classes with the
// standardization of the n training rows x: widths [d, Hidden…, out], out
// = 1 logit for two classes, one per class otherwise. Following the
// paper's initialisation, the spline coefficients are N(0, 0.1²), w_s = 1
// and w_b is uniform in ±1/√In; each input's grid spans the training range
// of the values that reach it (standardized features for the first layer,
// [−1, 1] for hidden layers until the first grid update).
func New(features, classes []string, x []float64, n int, o Options) (*Model, error) {
	d := len(features)
	if d == 0 || n == 0 || len(x) != n*d {
		return nil, fmt.Errorf("kan: %d values do not form %d rows of %d features", len(x), n, d)
	}
	if len(classes) < 2 {
		return nil, fmt.Errorf("kan: the label has %d class(es); classification needs at least two", len(classes))
	}
	if o.Grid < 1 {
		return nil, fmt.Errorf("kan: grid %d: need at least one interval", o.Grid)
	}
	out := len(classes)
	if out == 2 {
		out = 1
	}
	m := &Model{Features: slices.Clone(features), Classes: slices.Clone(classes), Mean: make([]float64, d), SD: make([]float64, d)}
	m.Widths = slices.Concat([]int{d}, o.Hidden, []int{out})
	for j := 0; j < d; j++ {
		var s, ss float64
		for r := 0; r < n; r++ {
			s += x[r*d+j]
		}
		m.Mean[j] = s / float64(n)
		for r := 0; r < n; r++ {
			v := x[r*d+j] - m.Mean[j]
			ss += v * v
		}
		m.SD[j] = math.Sqrt(ss / float64(n))
		if !(m.SD[j] > 0) {
			m.SD[j] = 1
		}
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x4b414e))
	for li := 0; li+1 < len(m.Widths); li++ {
		in, on := m.Widths[li], m.Widths[li+1]
		if in < 1 || on < 1 {
			return nil, fmt.Errorf("kan: layer widths %v: every width must be at least 1", m.Widths)
		}
		l := &Layer{In: in, Out: on, Bias: make([]float64, on), Mask: filled(in*on, 1), Ws: filled(in*on, 1), Wb: make([]float64, in*on)}
		for i := 0; i < in; i++ {
			g := Grid{Lo: -1, Hi: 1, Intervals: o.Grid}
			if li == 0 {
				g.Lo, g.Hi = columnRange(x, n, d, i, m.Mean[i], m.SD[i])
			}
			l.Grids = append(l.Grids, g)
		}
		l.C = make([]float64, in*l.K()*on)
		for i := range l.C {
			l.C[i] = 0.1 * rng.NormFloat64()
		}
		for i := range l.Wb {
			l.Wb[i] = (2*rng.Float64() - 1) / math.Sqrt(float64(in))
		}
		m.Layers = append(m.Layers, l)
	}
	return m, nil
}

// columnRange is the range of the standardized column j (widened to ±1e-3
// around a constant column).
func columnRange(x []float64, n, d, j int, mean, sd float64) (float64, float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for r := 0; r < n; r++ {
		v := (x[r*d+j] - mean) / sd
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if hi-lo < 1e-3 {
		lo, hi = lo-1e-3, hi+1e-3
	}
	return lo, hi
}

// standardized returns the rows of x standardized with m's statistics.
func (m *Model) standardized(x []float64, n int) []float64 {
	d := len(m.Features)
	z := make([]float64, len(x))
	for r := 0; r < n; r++ {
		copy(z[r*d:(r+1)*d], m.Standardize(x[r*d:(r+1)*d]))
	}
	return z
}

// Fit trains a new KAN on the n rows x (row-major, len(features) columns)
// with class indices y, as the paper does: Steps of Adam with the sparsity
// regularisation; pruning; a grid update of the hidden layers to the range
// of their inputs; grid extension to GridExtend; RetrainSteps without
// regularisation. ctx stops it between steps.
func Fit(ctx context.Context, features, classes []string, x, y []float64, o Options, log Log) (*Model, *History, error) {
	n := len(y)
	m, err := New(features, classes, x, n, o)
	if err != nil {
		return nil, nil, err
	}
	if log == nil {
		log = func(string, ...any) {}
	}
	z := m.standardized(x, n)
	h := &History{}
	st, scores, err := m.train(ctx, z, y, o.Steps, o.LR, o.Reg)
	if err != nil {
		return nil, nil, err
	}
	st.Name = "regularised"
	h.Stages = append(h.Stages, st)
	log("kan: %d steps on grid %d, loss %.4f (objective %.4f)", st.Steps, st.Grid, st.Loss, st.Objective)
	if o.PruneThreshold > 0 {
		h.PrunedInputs, h.PrunedHidden = m.Prune(scores, o.PruneThreshold)
		log("kan: pruned inputs %v, hidden nodes %v", h.PrunedInputs, h.PrunedHidden)
	}
	if err := m.UpdateHiddenGrids(z, n); err != nil {
		return nil, nil, err
	}
	if o.GridExtend > 0 && o.GridExtend != m.Layers[0].Grids[0].Intervals {
		e, err := m.ExtendGrid(o.GridExtend)
		if err != nil {
			return nil, nil, err
		}
		h.GridMaxError = &e
		log("kan: grid extended to %d (largest change of an edge function %.2g)", o.GridExtend, e)
	}
	if o.RetrainSteps > 0 {
		st, _, err = m.train(ctx, z, y, o.RetrainSteps, o.LR, Reg{})
		if err != nil {
			return nil, nil, err
		}
		st.Name = "retrained"
		h.Stages = append(h.Stages, st)
		log("kan: %d steps on grid %d, loss %.4f", st.Steps, st.Grid, st.Loss)
	}
	return m, h, nil
}

// train runs steps of full-batch Adam (Kingma and Ba, 2015; β = 0.9, 0.999,
// ε = 1e-8) on the standardized rows z and returns the stage summary and
// the edges' mean |φ| of the last step.
func (m *Model) train(ctx context.Context, z, y []float64, steps int, lr float64, reg Reg) (Stage, [][]float64, error) {
	st := Stage{Grid: m.Layers[0].Grids[0].Intervals, Steps: steps}
	gr, err := buildGraph(m, z, y, len(y), reg)
	if err != nil {
		return st, nil, err
	}
	mc, err := newMachine(gr)
	if err != nil {
		return st, nil, err
	}
	const b1, b2, eps = 0.9, 0.999, 1e-8
	mom, vel := make([][]float64, len(gr.data)), make([][]float64, len(gr.data))
	for i, d := range gr.data {
		mom[i], vel[i] = make([]float64, len(d)), make([]float64, len(d))
	}
	for t := 1; t <= steps+1; t++ {
		if err := ctx.Err(); err != nil {
			return st, nil, err
		}
		loss, grads, err := mc.run()
		if err != nil {
			return st, nil, err
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return st, nil, fmt.Errorf("kan: the loss is %v at step %d; lower lr (now %g)", loss, t, lr)
		}
		st.Objective, st.Loss = loss, gr.predV.Data().(float64)
		if t > steps { // the last run only measures
			break
		}
		c1, c2 := 1-math.Pow(b1, float64(t)), 1-math.Pow(b2, float64(t))
		for i, d := range gr.data {
			for k, gk := range grads[i] {
				mom[i][k] = b1*mom[i][k] + (1-b1)*gk
				vel[i][k] = b2*vel[i][k] + (1-b2)*gk*gk
				d[k] -= lr * (mom[i][k] / c1) / (math.Sqrt(vel[i][k]/c2) + eps)
			}
		}
	}
	return st, mc.edgeScores(), nil
}
