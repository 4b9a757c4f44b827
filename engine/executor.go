// Package engine runs Gorgonia computation graphs.
//
// An Executor evaluates one built graph: the forward pass and, when the graph
// holds gradient nodes, the backward pass, leaving parameter gradients on the
// parameter nodes. The reference executor is Gorgonia's TapeMachine; it is
// always available and is the oracle that faster executors are tested against.
package engine

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Executor evaluates a graph.
type Executor interface {
	// Run evaluates the graph once with the current input values.
	Run() error
	// Name says which executor this is, for logs and summary.json.
	Name() string
	// Close releases what the executor holds.
	Close() error
}

// Kinds lists the executors New accepts.
var Kinds = []string{"tape", "plan"}

// Option adjusts an executor.
type Option func(*options)

type options struct{ keep G.Nodes }

// Keep names the nodes whose values the caller reads after Run (losses,
// logits, latent codes, batch statistics). An executor reuses the memory of an
// intermediate node once nothing downstream needs it, so reading a node that
// was not kept can give another node's numbers.
func Keep(nodes ...*G.Node) Option {
	return func(o *options) { o.keep = append(o.keep, nodes...) }
}

// New returns the executor called kind for graph g. learn lists the nodes whose
// gradients the caller reads after Run (empty for a forward-only graph). A
// graph Gorgonia cannot compile (it panics on an empty one) is an error.
func New(kind string, g *G.ExprGraph, learn G.Nodes, opts ...Option) (ex Executor, err error) {
	switch kind {
	case "tape", "":
		defer func() {
			if r := recover(); r != nil {
				ex, err = nil, fmt.Errorf("compiling the graph for the tape executor: %v", r)
			}
		}()
		return NewTape(g, learn, opts...), nil
	case "plan":
		be, err := OpenBackend("cpu")
		if err != nil {
			return nil, err
		}
		return NewPlan(be, g, learn, opts...)
	}
	return nil, fmt.Errorf("executor %q is not known (allowed: %v)", kind, Kinds)
}

// Tape is the reference executor: Gorgonia's TapeMachine.
type Tape struct {
	vm    G.VM
	learn G.Nodes
}

// NewTape compiles g into a TapeMachine. The gradients of learn are bound to
// their nodes so Grad can read them after Run; the values of kept nodes are
// copied out after each run (Gorgonia's TraceExec with a watch list).
func NewTape(g *G.ExprGraph, learn G.Nodes, opts ...Option) *Tape {
	var o options
	for _, f := range opts {
		f(&o)
	}
	var vmOpts []G.VMOpt
	if len(learn) > 0 {
		vmOpts = append(vmOpts, G.BindDualValues(learn...))
	}
	if len(o.keep) > 0 {
		watch := make([]interface{}, len(o.keep))
		for i, n := range o.keep {
			watch[i] = n
		}
		vmOpts = append(vmOpts, G.TraceExec(), G.WithWatchlist(watch...))
	}
	return &Tape{vm: G.NewTapeMachine(g, vmOpts...), learn: learn}
}

// Run zeroes the gradients of the learnable nodes (the TapeMachine
// accumulates into them), evaluates the graph and resets the tape for the next
// run. After Run each gradient is that of this run alone.
func (t *Tape) Run() error {
	for _, n := range t.learn {
		if g, err := n.Grad(); err == nil {
			if z, ok := g.(tensor.Tensor); ok {
				z.Zero()
			}
		}
	}
	err := t.vm.RunAll()
	t.vm.Reset()
	return err
}

// Name returns "tape".
func (t *Tape) Name() string { return "tape" }

// Close releases the machine.
func (t *Tape) Close() error { return t.vm.Close() }

// Grad returns the float32 gradient left on node n by the last Run.
func Grad(n *G.Node) ([]float32, error) {
	v, err := n.Grad()
	if err != nil {
		return nil, fmt.Errorf("gradient of %s: %w", n.Name(), err)
	}
	t, ok := v.(tensor.Tensor)
	if !ok {
		return nil, fmt.Errorf("gradient of %s is a %T, not a tensor", n.Name(), v)
	}
	data, ok := t.Data().([]float32)
	if !ok {
		return nil, fmt.Errorf("gradient of %s holds %T, not float32", n.Name(), t.Data())
	}
	return data, nil
}

// Float32s returns the float32 data of node n's current value.
func Float32s(n *G.Node) []float32 {
	v := n.Value()
	if v == nil {
		return nil
	}
	switch d := v.Data().(type) {
	case []float32:
		return d
	case float32:
		return []float32{d}
	}
	return nil
}

// Scalar returns node n's value as a float64 (the first element of a tensor).
func Scalar(n *G.Node) float64 {
	d := Float32s(n)
	if len(d) == 0 {
		return 0
	}
	return float64(d[0])
}
