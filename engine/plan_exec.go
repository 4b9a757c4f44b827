package engine

import (
	"fmt"
	"sort"
	"sync"

	G "gorgonia.org/gorgonia"
)

var (
	backendsMu sync.Mutex
	backends   = map[string]func() (Backend, error){}
)

// RegisterBackend makes a backend available to the plan executor under name.
// Backend packages call it from init (engine/cpu registers "cpu"), so a
// program that imports one can run plans on it.
func RegisterBackend(name string, open func() (Backend, error)) {
	backendsMu.Lock()
	defer backendsMu.Unlock()
	backends[name] = open
}

// OpenBackend returns a new backend of the registered name.
func OpenBackend(name string) (Backend, error) {
	backendsMu.Lock()
	defer backendsMu.Unlock()
	open, ok := backends[name]
	if !ok {
		var names []string
		for n := range backends {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("backend %q is not registered (registered: %v); import genxai/engine/cpu for the CPU backend", name, names)
	}
	be, err := open()
	if err != nil {
		return nil, fmt.Errorf("opening the %s backend: %w", name, err)
	}
	return be, nil
}

// PlanExecutor runs a graph as a Plan on a Backend (train.executor: plan).
type PlanExecutor struct {
	plan *Plan
}

// NewPlan lowers g onto be. The values of the kept nodes, of the graph's
// roots (the nodes nothing reads, such as a loss) and the gradients of learn
// are published after every Run, so Float32s, Scalar and Grad read them as
// they do after the tape.
func NewPlan(be Backend, g *G.ExprGraph, learn G.Nodes, opts ...Option) (*PlanExecutor, error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	if o.ws != nil && o.ws.Backend() != be {
		return nil, fmt.Errorf("the plan's backend is not its workspace's")
	}
	return newPlan(be, o.ws, g, learn, nil, opts...)
}

// newPlanOn is NewPlan on the backend of the workspace given with On, or on
// a new CPU backend without one.
func newPlanOn(g *G.ExprGraph, learn G.Nodes, train *TrainSpec, opts ...Option) (*PlanExecutor, error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	if o.ws != nil {
		return newPlan(o.ws.Backend(), o.ws, g, learn, train, opts...)
	}
	be, err := OpenBackend("cpu")
	if err != nil {
		return nil, err
	}
	return newPlan(be, nil, g, learn, train, opts...)
}

// newPlan lowers g onto be with the leaves found in ws resident. With a
// training step (train non-nil) the gradients of learn stay on the backend
// for the step's update instead of being published.
func newPlan(be Backend, ws *Workspace, g *G.ExprGraph, learn G.Nodes, train *TrainSpec, opts ...Option) (*PlanExecutor, error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	spec := lowering{publish: append(G.Nodes(nil), o.keep...), random: o.random, ws: ws, train: train}
	for _, n := range learn {
		d := n.Deriv()
		if d == nil {
			return nil, fmt.Errorf("the plan executor needs the gradient node of %s: build the gradients (G.Grad) before the executor", n.Name())
		}
		if train != nil {
			spec.keep = append(spec.keep, d)
		} else {
			spec.publish = append(spec.publish, d)
		}
	}
	if train != nil {
		for _, r := range train.Running {
			spec.keep = append(spec.keep, r.Mean, r.Var)
		}
	}
	backward := backwardOnly(g)
	for _, n := range g.AllNodes() {
		if g.To(n.ID()).Len() == 0 && !backward[n] {
			spec.publish = append(spec.publish, n)
		}
	}
	spec.publish = dedupe(spec.publish)
	plan, err := lower(be, g, spec)
	if err != nil {
		return nil, err
	}
	return &PlanExecutor{plan: plan}, nil
}

// backwardOnly returns the nodes of g that its gradient nodes built and that
// are the gradient of no node: those computed from a gradient (a node with
// DerivOf) that are not gradients themselves. Gorgonia's symbolic
// differentiation leaves such values as roots of the graph, the gradients of
// the constants and inputs of the ops it differentiates (Σ x⊙dy for the 0.5
// of a GELU, for each of its elements), which it registers with no node; no
// one can read them, so the plan does not publish (and so does not compute)
// them.
func backwardOnly(g *G.ExprGraph) map[*G.Node]bool {
	sorted, err := G.Sort(g)
	if err != nil {
		return nil
	}
	grad := map[*G.Node]bool{} // computed from a gradient
	out := map[*G.Node]bool{}
	for i := len(sorted) - 1; i >= 0; i-- { // inputs first
		n := sorted[i]
		from := len(n.DerivOf()) > 0
		for _, k := range children(n) {
			from = from || grad[k]
		}
		grad[n] = from
		if from && len(n.DerivOf()) == 0 {
			out[n] = true
		}
	}
	return out
}

func dedupe(ns G.Nodes) G.Nodes {
	seen := map[*G.Node]bool{}
	var out G.Nodes
	for _, n := range ns {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// Run evaluates the graph once with the current input values.
func (e *PlanExecutor) Run() error { return e.plan.Run() }

// Name returns "plan".
func (e *PlanExecutor) Name() string { return "plan" }

// SetRandomKey sets the key of the random inputs' next fills.
func (e *PlanExecutor) SetRandomKey(k RandomKey) { e.plan.key = k }

// Plan returns the executor's plan, for its statistics and fallbacks.
func (e *PlanExecutor) Plan() *Plan { return e.plan }

// Close frees the plan's buffers.
func (e *PlanExecutor) Close() error { return e.plan.Close() }
