package train

import (
	"fmt"

	G "gorgonia.org/gorgonia"

	"genxai/engine"
	_ "genxai/engine/cpu" // registers the CPU backend that train.executor: plan runs on
	"genxai/nets"
)

// Differentiate adds the gradient nodes of loss with respect to params to the
// graph (reverse-mode, Gorgonia's symbolic differentiation).
func Differentiate(loss *G.Node, params []Param) error {
	nodes := make(G.Nodes, len(params))
	for i, p := range params {
		nodes[i] = p.Node
	}
	if _, err := G.Grad(loss, nodes...); err != nil {
		return fmt.Errorf("building gradients: %w", err)
	}
	return nil
}

// NewExecutor returns the executor called kind for a built graph, keeping the
// values of the nodes the model marked with Keep: the one constructor every
// graph of genxai runs through (training tasks directly, every other command
// through models.Run.Executor). learn lists the nodes whose gradients the
// caller reads after a run: n.Params() for a training graph, an input for a
// saliency map, nil for a forward-only graph.
func NewExecutor(kind string, n *nets.Net, learn G.Nodes) (engine.Executor, error) {
	return engine.New(kind, n.G, learn, engine.Keep(n.Kept()...))
}

// Prepare makes a training graph ready to step: it adds the gradient
// nodes of loss, builds the executor that fills them and creates the optimizer.
func Prepare(net *nets.Net, loss *G.Node, executor string, oc OptimConfig) ([]Param, engine.Executor, *Optimizer, error) {
	params := ParamsOf(net)
	if err := Differentiate(loss, params); err != nil {
		return nil, nil, nil, err
	}
	ex, err := NewExecutor(executor, net, net.Params())
	if err != nil {
		return nil, nil, nil, err
	}
	opt, err := NewOptimizer(oc)
	if err != nil {
		ex.Close()
		return nil, nil, nil, err
	}
	return params, ex, opt, nil
}

// OptimizeStep is the body of a single-network training step once the batch is
// in the graph's inputs: fresh dropout masks, forward and backward, the
// batch-norm running statistics, the optimizer update. It reports the loss and
// the gradient norm.
func OptimizeStep(ex engine.Executor, net *nets.Net, opt *Optimizer, params []Param, loss *G.Node, in StepInput) (StepResult, error) {
	FillDropout(net, in.Rng)
	if err := ex.Run(); err != nil {
		return StepResult{}, err
	}
	UpdateRunningStats(net, 0.1)
	norm, err := opt.Step(params, in.LR)
	if err != nil {
		return StepResult{}, err
	}
	return StepResult{Loss: engine.Scalar(loss), Metrics: map[string]float64{"grad_norm": norm}}, nil
}

// FillDropout draws fresh inverted-dropout masks for a training graph.
func FillDropout(n *nets.Net, rng interface{ Float64() float64 }) {
	for _, d := range n.Dropouts() {
		mask := engine.Float32s(d.Mask)
		keep := float32(1 / (1 - d.P))
		for i := range mask {
			if rng.Float64() < d.P {
				mask[i] = 0
			} else {
				mask[i] = keep
			}
		}
	}
}

// UpdateRunningStats folds the batch statistics of a training graph's batch
// norms into the running averages in the Store, as PyTorch does:
// r ← (1 − momentum)·r + momentum·batch, with the unbiased batch variance.
func UpdateRunningStats(n *nets.Net, momentum float32) {
	for _, s := range n.BNStats() {
		mean, variance := engine.Float32s(s.Mean), engine.Float32s(s.Var)
		rm, rv := n.Store.Data(s.RunMean), n.Store.Data(s.RunVar)
		unbias := float32(1)
		if s.Count > 1 {
			unbias = float32(s.Count) / float32(s.Count-1)
		}
		for i := range rm {
			rm[i] = (1-momentum)*rm[i] + momentum*mean[i]
			rv[i] = (1-momentum)*rv[i] + momentum*variance[i]*unbias
		}
	}
}
