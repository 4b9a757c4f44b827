package explain

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Probe copies the values of chosen nodes out of a graph while it runs.
//
// An executor may reuse the memory of a node whose value no later operation
// reads: Gorgonia's TapeMachine assigns registers by liveness and runs some
// operations in place, so after Run an intermediate node such as the VAE's
// per-row reconstruction term can hold a later node's value. A Probe adds a
// read of each node (G.Read) to the graph, which copies the value at the
// point it is computed; it must be made before the graph is compiled.
//
// The project's one mechanism for this is Net.Keep with engine.Keep (see
// nets/gorgonia.go; train.NewExecutor passes a Net's kept nodes): new code
// marks the nodes it reads with Keep and reads them with engine.Float32s.
// Probe remains only for the callers that build their executor without a
// Net's kept nodes (xai/latent, xai/tokens, xai/counterfactual and Scorer).
type Probe struct {
	nodes []*G.Node
	vals  []G.Value
}

// NewProbe adds reads of nodes to their graph.
func NewProbe(nodes ...*G.Node) *Probe {
	p := &Probe{nodes: nodes, vals: make([]G.Value, len(nodes))}
	for i, n := range nodes {
		G.Read(n, &p.vals[i])
	}
	return p
}

// Float32s returns the float32 data of node i as copied by the last run.
func (p *Probe) Float32s(i int) ([]float32, error) {
	v := p.vals[i]
	if v == nil {
		return nil, fmt.Errorf("node %s was not computed (did the graph run?)", p.nodes[i].Name())
	}
	switch t := v.(type) {
	case tensor.Tensor:
		if d, ok := t.Data().([]float32); ok {
			return d, nil
		}
	case *G.F32:
		return []float32{float32(*t)}, nil
	}
	return nil, fmt.Errorf("node %s holds %T, not float32 values", p.nodes[i].Name(), v)
}
