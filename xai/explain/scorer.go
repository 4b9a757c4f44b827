package explain

import (
	"fmt"

	G "gorgonia.org/gorgonia"

	"genxai/engine"
	"genxai/nets"
)

// Scorer evaluates a model's outputs for a batch of inputs together with
// vector-Jacobian products: for each row i and a weight vector w_i over the
// outputs, the gradient ∂(w_i·out_i)/∂x_i of the weighted outputs with respect
// to that row's input. With w_i one-hot on output k this is the gradient of
// the k-th logit, the raw material of every saliency method. Rows are
// independent (evaluation graphs: running batch-norm statistics, no dropout),
// so one backward pass gives the gradients of all rows.
//
// Inputs are given in "pixel space" and mapped to the model's input as
// Scale·pixel + Shift (identity by default; a GAN discriminator reads images
// in [−1, 1], Scale 2 and Shift −1); gradients are returned in pixel space.
type Scorer struct {
	net     *nets.Net
	x, out  *G.Node
	weights *G.Node
	exec    engine.Executor

	// Batch is the graph's number of rows; Dim the values per input row;
	// Outputs the values per output row.
	Batch, Dim, Outputs int
	// Scale and Shift map pixel-space inputs to the model's input.
	Scale, Shift float32
	// Condition, when set, fills per-row inputs other than x (the class labels
	// of a conditional GAN) before each run: slot is the batch row and class
	// the Query's Class.
	Condition func(slot, class int)
}

// Query is one row to score: an input in pixel space, the output to take
// the gradient of (or explicit output weights), and the class a conditional
// model is conditioned on.
type Query struct {
	X       []float32
	Output  int       // index of the output whose gradient is wanted
	Weights []float32 // when not nil, the output weights w (length Outputs) instead of one-hot Output
	Class   int       // conditioning class (conditional models only)
}

// ExecutorFunc builds the executor of a graph whose gradients with respect to
// learn are read after each run: models.Run.Executor.
type ExecutorFunc func(n *nets.Net, learn ...*G.Node) (engine.Executor, error)

// Result holds, per query, the selected output value w·out, all outputs,
// and the pixel-space gradient of w·out.
type Result struct {
	Score   []float64
	Outputs [][]float32
	Grad    [][]float32
}

// NewScorer adds to net's graph an input of output weights, the weighted sum
// of out, and its gradient with respect to x, and compiles the graph with
// newExecutor (models.Run.Executor: the run's device and executor). x must be
// an input of shape (batch, dim); out must be (batch, outputs) or (batch).
func NewScorer(net *nets.Net, x, out *G.Node, newExecutor ExecutorFunc) (*Scorer, error) {
	if err := net.Err(); err != nil {
		return nil, err
	}
	xs := x.Shape()
	if len(xs) != 2 {
		return nil, fmt.Errorf("scorer: the input must be (batch, values), got shape %v", xs)
	}
	batch := xs[0]
	if len(out.Shape()) == 1 {
		out = net.Reshape("scorer.out", out, batch, 1)
	}
	os := out.Shape()
	if len(os) != 2 || os[0] != batch {
		return nil, fmt.Errorf("scorer: the output must be (batch, values) with batch %d, got shape %v", batch, os)
	}
	s := &Scorer{net: net, x: x, out: out, Batch: batch, Dim: xs[1], Outputs: os[1], Scale: 1}
	s.weights = net.Input("scorer.weights", batch, s.Outputs)
	net.Layer("scorer")
	cost := net.Op(G.Sum(net.Op(G.HadamardProd(out, s.weights))))
	if err := net.Err(); err != nil {
		return nil, fmt.Errorf("scorer: %w", err)
	}
	net.Keep(out)
	if _, err := G.Grad(cost, x); err != nil {
		return nil, fmt.Errorf("scorer: differentiating with respect to the input: %w", err)
	}
	ex, err := newExecutor(net, x)
	if err != nil {
		return nil, err
	}
	s.exec = ex
	return s, nil
}

// Executor names the executor the scorer runs on.
func (s *Scorer) Executor() string { return s.exec.Name() }

// Close releases the executor.
func (s *Scorer) Close() error { return s.exec.Close() }

// Eval scores the queries in chunks of Batch rows.
func (s *Scorer) Eval(qs []Query) (*Result, error) {
	res := &Result{Score: make([]float64, len(qs)), Outputs: make([][]float32, len(qs)), Grad: make([][]float32, len(qs))}
	for start := 0; start < len(qs); start += s.Batch {
		xin := s.x.Value().Data().([]float32)
		w := s.net.InputData("scorer.weights")
		end := min(start+s.Batch, len(qs))
		clear(xin)
		clear(w)
		for i := start; i < end; i++ {
			q := qs[i]
			slot := i - start
			if len(q.X) != s.Dim {
				return nil, fmt.Errorf("scorer: input %d has %d values, the model takes %d", i, len(q.X), s.Dim)
			}
			row := xin[slot*s.Dim : (slot+1)*s.Dim]
			for j, v := range q.X {
				row[j] = s.Scale*v + s.Shift
			}
			if q.Weights != nil {
				if len(q.Weights) != s.Outputs {
					return nil, fmt.Errorf("scorer: query %d has %d output weights, the model has %d outputs", i, len(q.Weights), s.Outputs)
				}
				copy(w[slot*s.Outputs:], q.Weights)
			} else {
				if q.Output < 0 || q.Output >= s.Outputs {
					return nil, fmt.Errorf("scorer: output %d does not exist (the model has outputs 0..%d)", q.Output, s.Outputs-1)
				}
				w[slot*s.Outputs+q.Output] = 1
			}
			if s.Condition != nil {
				s.Condition(slot, q.Class)
			}
		}
		if err := s.exec.Run(); err != nil {
			return nil, fmt.Errorf("scorer: %w", err)
		}
		g, err := engine.Grad(s.x)
		if err != nil {
			return nil, err
		}
		out, err := Values(s.out)
		if err != nil {
			return nil, fmt.Errorf("scorer: %w", err)
		}
		for i := start; i < end; i++ {
			slot := i - start
			o := append([]float32(nil), out[slot*s.Outputs:(slot+1)*s.Outputs]...)
			res.Outputs[i] = o
			var score float64
			for k, v := range o {
				score += float64(v) * float64(w[slot*s.Outputs+k])
			}
			res.Score[i] = score
			gr := make([]float32, s.Dim)
			for j := range gr {
				gr[j] = g[slot*s.Dim+j] * s.Scale
			}
			res.Grad[i] = gr
		}
	}
	return res, nil
}
