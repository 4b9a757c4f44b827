package train

import (
	"fmt"
	"sort"

	G "gorgonia.org/gorgonia"

	"genxai/engine"
	"genxai/nets"
)

// Param is one learnable tensor of a graph: its Store name, its node (whose
// gradient the executor fills), the backing array the optimizer updates in
// place, and whether AdamW decays it (as the model declared, see nets.Role).
type Param struct {
	Name  string
	Node  *G.Node
	Data  []float32
	Decay bool
}

// ParamsOf lists the learnable parameters of a built graph.
func ParamsOf(n *nets.Net) []Param {
	nodes, names := n.Params(), n.ParamNames()
	ps := make([]Param, len(nodes))
	for i, node := range nodes {
		ps[i] = Param{Name: names[i], Node: node, Data: n.Store.Data(names[i]), Decay: n.Store.Decay(names[i])}
	}
	return ps
}

// OptimConfig holds an optimizer's hyper-parameters.
type OptimConfig struct {
	Kind        string  // "adam", "adamw" or "sgd"
	Beta1       float64 // Adam's first-moment decay
	Beta2       float64 // Adam's second-moment decay
	Eps         float64 // Adam's denominator guard
	Momentum    float64 // SGD's momentum (0 for plain SGD)
	WeightDecay float64 // L2 added to the gradient (adam, sgd) or decoupled decay (adamw)
	GradClip    float64 // clip the global L2 norm of the gradient to this value; 0 = off
}

// Optimizer updates parameters from their gradients. It implements
//   - Adam (Kingma and Ba, 2015) with bias correction, weight decay as L2 added
//     to the gradient, as torch.optim.Adam does;
//   - AdamW (Loshchilov and Hutter, 2019): the decay multiplies the weights by
//     (1 − lr·λ) before the Adam step. As in GPT-2 and nanoGPT it applies to
//     the parameters the model declares decayed (Param.Decay: weight matrices,
//     convolution filters, embedding tables), not to biases or normalization
//     scales and shifts;
//   - SGD with heavy-ball momentum, v ← μv + g, w ← w − lr·v, as torch.optim.SGD.
//
// All state is float32 and lives in named slices so a checkpoint stores it
// exactly and a resumed run continues bitwise.
type Optimizer struct {
	Config OptimConfig
	Steps  int64                // updates done
	m, v   map[string][]float32 // Adam moments, or SGD velocity in m
}

// NewOptimizer returns an optimizer with empty state.
func NewOptimizer(c OptimConfig) (*Optimizer, error) {
	switch c.Kind {
	case "adam", "adamw", "sgd":
	default:
		return nil, fmt.Errorf("optimizer %q is not known (allowed: adam, adamw, sgd)", c.Kind)
	}
	return &Optimizer{Config: c, m: map[string][]float32{}, v: map[string][]float32{}}, nil
}

// Bind creates the optimizer's state for params (zeros, or the restored
// state of a checkpoint) and returns the parameters as the engine's step
// updates them: weights, gradient nodes and moments, bound to the same
// slices, so a checkpoint reads what the step wrote.
func (o *Optimizer) Bind(params []Param) []engine.TrainParam {
	out := make([]engine.TrainParam, len(params))
	for i, p := range params {
		tp := engine.TrainParam{Name: p.Name, Node: p.Node, W: p.Data, Decay: p.Decay, M: o.state(p.Name, len(p.Data), false)}
		if o.Config.Kind != "sgd" {
			tp.V = o.state(p.Name, len(p.Data), true)
		}
		out[i] = tp
	}
	return out
}

// Spec returns the optimizer's hyper-parameters as the engine takes them.
func (o *Optimizer) Spec() engine.OptimSpec {
	c := o.Config
	kind := engine.Adam
	switch c.Kind {
	case "adamw":
		kind = engine.AdamW
	case "sgd":
		kind = engine.SGD
	}
	return engine.OptimSpec{Kind: kind, Beta1: c.Beta1, Beta2: c.Beta2, Eps: c.Eps, Momentum: c.Momentum,
		WeightDecay: c.WeightDecay, GradClip: c.GradClip}
}

// Next counts an update and returns its number (1 for the first): Adam's
// bias corrections use it.
func (o *Optimizer) Next() int64 {
	o.Steps++
	return o.Steps
}

func (o *Optimizer) state(name string, n int, second bool) []float32 {
	mp := o.m
	if second {
		mp = o.v
	}
	s, ok := mp[name]
	if !ok {
		s = make([]float32, n)
		mp[name] = s
	}
	return s
}

// StateTensors returns the optimizer's state as named slices for a checkpoint,
// each name prefixed with prefix ("opt." for a single optimizer).
func (o *Optimizer) StateTensors(prefix string) map[string][]float32 {
	out := map[string][]float32{}
	for k, s := range o.m {
		out[prefix+"m."+k] = s
	}
	for k, s := range o.v {
		out[prefix+"v."+k] = s
	}
	return out
}

// LoadState restores the state written by StateTensors.
func (o *Optimizer) LoadState(prefix string, tensors map[string][]float32, steps int64) {
	names := make([]string, 0, len(tensors))
	for k := range tensors {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		switch {
		case len(k) > len(prefix)+2 && k[:len(prefix)+2] == prefix+"m.":
			load(o.m, k[len(prefix)+2:], tensors[k])
		case len(k) > len(prefix)+2 && k[:len(prefix)+2] == prefix+"v.":
			load(o.v, k[len(prefix)+2:], tensors[k])
		}
	}
	o.Steps = steps
}

// load copies a restored state tensor into the slice the step is bound to
// (Bind), or keeps a copy when nothing is bound to that name yet.
func load(state map[string][]float32, name string, values []float32) {
	if s, ok := state[name]; ok && len(s) == len(values) {
		copy(s, values)
		return
	}
	state[name] = append([]float32(nil), values...)
}
