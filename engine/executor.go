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
	// SetRandomKey sets the key under which the following runs fill the
	// graph's random inputs (see RandomInput); without random inputs it does
	// nothing.
	SetRandomKey(k RandomKey)
	// Close releases what the executor holds.
	Close() error
}

// Kinds lists the executors New accepts.
var Kinds = []string{"tape", "plan"}

// Option adjusts an executor.
type Option func(*options)

type options struct {
	keep   G.Nodes
	random []RandomInput
	ws     *Workspace
}

// On builds a plan on the run's workspace (see Workspace): its leaves that
// are workspace tensors read the resident buffers, and it runs on the
// workspace's backend. The tape executor keeps everything on the host and
// ignores it.
func On(ws *Workspace) Option {
	return func(o *options) { o.ws = ws }
}

// check reports options an executor cannot honour.
func (o options) check() error {
	if len(o.random) > MaxRandomInputs {
		return fmt.Errorf("%d random inputs: an executor fills at most %d", len(o.random), MaxRandomInputs)
	}
	for _, r := range o.random {
		if r.Node.Op() != nil || len(children(r.Node)) > 0 {
			return fmt.Errorf("random input %s is computed by the graph; only inputs can be filled with random values", r.Node.Name())
		}
	}
	return nil
}

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
	var o options
	for _, f := range opts {
		f(&o)
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	switch kind {
	case "tape", "":
		defer func() {
			if r := recover(); r != nil {
				ex, err = nil, fmt.Errorf("compiling the graph for the tape executor: %v", r)
			}
		}()
		return NewTape(g, learn, opts...), nil
	case "plan":
		return newPlanOn(g, learn, nil, opts...)
	}
	return nil, fmt.Errorf("executor %q is not known (allowed: %v)", kind, Kinds)
}

// Tape is the reference executor: Gorgonia's TapeMachine.
type Tape struct {
	vm     G.VM
	learn  G.Nodes
	random []RandomInput
	key    RandomKey
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
	return &Tape{vm: G.NewTapeMachine(g, vmOpts...), learn: learn, random: o.random}
}

// SetRandomKey sets the key of the random inputs' next fills.
func (t *Tape) SetRandomKey(k RandomKey) { t.key = k }

// Run fills the random inputs, zeroes the gradients of the learnable nodes
// (the TapeMachine accumulates into them), evaluates the graph and resets the
// tape for the next run. After Run each gradient is that of this run alone.
func (t *Tape) Run() error {
	for i, r := range t.random {
		FillRandom(r.Kind, t.key.Nth(i), r.A, r.B, Float32s(r.Node))
	}
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
	if f, ok := n.Value().(*G.F32); ok {
		return float64(*f) // without Data's boxing: a step reads its loss allocation-free
	}
	d := Float32s(n)
	if len(d) == 0 {
		return 0
	}
	return float64(d[0])
}
