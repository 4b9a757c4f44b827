package train

import (
	"fmt"
	"strings"

	G "gorgonia.org/gorgonia"

	"genxai/cuda"
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
// forward graph of genxai runs through (training tasks' evaluation graphs
// directly, every other command through models.Run.Executor). learn lists the
// nodes whose gradients the caller reads after a run: an input for a
// saliency map, nil for a forward-only graph. ws is the run's workspace (see
// NewWorkspace), nil outside training.
func NewExecutor(kind string, n *nets.Net, learn G.Nodes, ws *engine.Workspace, random ...engine.RandomInput) (engine.Executor, error) {
	return engine.New(kind, n.G, learn, engine.Keep(n.Kept()...), engine.On(ws), engine.Random(random...))
}

// ResolveDevice resolves a run's device setting (auto, cpu or cuda) for the
// executor called kind, the one rule every command that runs a model
// follows: cuda.Choose picks the device and says why; the tape executor runs
// on the CPU only, so auto falls back to it (the reason says so) and an
// explicit device: cuda with the tape is refused.
func ResolveDevice(device, kind string) (dev, why string, err error) {
	dev, why, err = cuda.Choose(device)
	if err != nil || dev == "cpu" || kind == "plan" {
		return dev, why, err
	}
	if req := strings.ToLower(strings.TrimSpace(device)); req != "auto" && req != "" {
		return "", "", fmt.Errorf("device: %s needs train.executor: plan; the %s executor runs on the CPU only", device, kind)
	}
	return "cpu", why + "; the " + kind + " executor runs on the CPU", nil
}

// NewWorkspace returns the workspace a training run of the executor called
// kind on device (the config's device, resolved by ResolveDevice) keeps its
// state in, holding every tensor of the Store: nil for the tape, which works
// on the Store itself on the CPU; for the plan, the Store's tensors resident
// on the chosen device's backend (see engine.Workspace).
func NewWorkspace(kind, device string, st *nets.Store) (*engine.Workspace, error) {
	dev, _, err := ResolveDevice(device, kind)
	if err != nil {
		return nil, err
	}
	return WorkspaceOn(kind, dev, st)
}

// WorkspaceOn is NewWorkspace on a device already resolved: cpu, or cuda
// (or any backend registered with the engine under that name).
func WorkspaceOn(kind, dev string, st *nets.Store) (*engine.Workspace, error) {
	if kind != "plan" {
		return nil, nil
	}
	be, err := engine.OpenBackend(dev)
	if err != nil {
		return nil, err
	}
	ws := engine.NewWorkspace(be)
	for _, name := range st.SortedNames() {
		ws.Add(name, st.Data(name))
	}
	return ws, nil
}

// Step is a training graph made ready to step: its loss, parameters,
// optimizer and the Trainer that runs its whole step.
type Step struct {
	Loss    *G.Node
	Params  []Param
	Opt     *Optimizer
	Trainer engine.Trainer
	Stream  uint32 // the random inputs' stream (see StepKey)
}

// Prepare makes a training graph ready to step: it adds the gradient nodes of
// loss with respect to params (every learnable parameter of net when nil),
// creates the optimizer's state and builds the Trainer. The graph's dropout
// masks and the extra random inputs are filled by the Trainer, under stream.
func Prepare(net *nets.Net, loss *G.Node, params []Param, executor string, oc OptimConfig, ws *engine.Workspace, stream uint32, random ...engine.RandomInput) (*Step, error) {
	if params == nil {
		params = ParamsOf(net)
	}
	if err := Differentiate(loss, params); err != nil {
		return nil, err
	}
	opt, err := NewOptimizer(oc)
	if err != nil {
		return nil, err
	}
	spec := engine.TrainSpec{Params: opt.Bind(params), Optim: opt.Spec(), Running: RunningStats(net, 0.1), Loss: loss}
	tr, err := engine.NewTrainer(executor, net.G, spec, engine.Keep(net.Kept()...), engine.On(ws),
		engine.Random(append(DropoutInputs(net), random...)...))
	if err != nil {
		return nil, err
	}
	return &Step{Loss: loss, Params: params, Opt: opt, Trainer: tr, Stream: stream}, nil
}

// Run makes one optimizer step once the batch is in the graph's inputs:
// fresh random inputs, forward and backward, clipping, the update and the
// batch-norm running statistics, at learning rate lr. It returns the loss and
// the gradient's global norm before clipping.
func (s *Step) Run(in StepInput, lr float64, draw uint32) (loss, gradNorm float64, err error) {
	norm, err := s.Trainer.Step(s.args(in, lr, draw))
	if err != nil {
		return 0, 0, err
	}
	return engine.Scalar(s.Loss), norm, nil
}

// args are the engine's arguments of a step.
func (s *Step) args(in StepInput, lr float64, draw uint32) engine.StepArgs {
	return engine.StepArgs{Key: StepKey(in, s.Stream+draw), LR: lr, Update: s.Opt.Next()}
}

// StepKey is the key of the random inputs of a step's graph: the run's seed,
// the global step and the graph's stream (a task with several graphs, or
// several draws of one graph in a step, gives each its own stream).
func StepKey(in StepInput, stream uint32) engine.RandomKey {
	return engine.RandomKey{Seed: uint64(in.Seed), Step: uint64(in.Step), Tensor: stream}
}

// OptimizeStep is the body of a single-network training step once the batch
// is in the graph's inputs (Step.Run at the step's learning rate). It reports
// the loss and the gradient norm; when the Trainer queued the step on a
// device that runs it while the host goes on (engine.Launcher: the CUDA
// backend's captured step), they come later (StepResult.Later).
func OptimizeStep(s *Step, in StepInput) (StepResult, error) {
	l, err := s.Launch(in, in.LR, 0)
	if err != nil {
		return StepResult{}, err
	}
	done := func() (StepResult, error) {
		loss, norm, err := l.Done()
		if err != nil {
			return StepResult{}, err
		}
		return stepResult(loss, norm), nil
	}
	if l.Ready() {
		return done()
	}
	return StepResult{Later: done}, nil
}

// LaunchedStep is a step of a Step queued by Launch.
type LaunchedStep struct {
	l          engine.Launcher // nil: the step ran at once
	h          engine.Launched
	loss, norm float64
}

// Ready reports whether the step's values are known already (Done does not
// wait).
func (l LaunchedStep) Ready() bool { return l.l == nil || l.h.Ready() }

// Done waits for the step and returns its loss and gradient norm. A Step's
// launched values must be read before its step after next is launched
// (engine.Launcher).
func (l LaunchedStep) Done() (loss, gradNorm float64, err error) {
	if l.l == nil {
		return l.loss, l.norm, nil
	}
	return l.l.Done(l.h)
}

// Launch is Run, except that on a Trainer that queues steps on a device
// (engine.Launcher) it returns before the step has run, and the loss and
// norm come from Done.
func (s *Step) Launch(in StepInput, lr float64, draw uint32) (LaunchedStep, error) {
	l, ok := s.Trainer.(engine.Launcher)
	if !ok {
		loss, norm, err := s.Run(in, lr, draw)
		return LaunchedStep{loss: loss, norm: norm}, err
	}
	h, err := l.Launch(s.args(in, lr, draw))
	return LaunchedStep{l: l, h: h}, err
}

// stepResult is a single-network step's report.
func stepResult(loss, norm float64) StepResult {
	return StepResult{Loss: loss, Metrics: map[string]float64{"grad_norm": norm}}
}

// DropoutInputs declares a training graph's dropout masks as random inputs:
// each element 0 with probability P, 1/(1−P) otherwise (inverted dropout,
// Srivastava et al., 2014).
func DropoutInputs(n *nets.Net) []engine.RandomInput {
	var out []engine.RandomInput
	for _, d := range n.Dropouts() {
		out = append(out, engine.RandomInput{Node: d.Mask, Kind: engine.Dropout, A: d.P})
	}
	return out
}

// NormalInput declares an input filled with standard normal values (a VAE's
// reparameterization noise, a GAN's latent codes).
func NormalInput(node *G.Node) engine.RandomInput {
	return engine.RandomInput{Node: node, Kind: engine.Normal, A: 0, B: 1}
}

// RunningStats links the batch statistics of a training graph's batch norms
// to the running averages in the Store, folded in after each step as PyTorch
// does: r ← (1 − momentum)·r + momentum·batch, with the unbiased batch
// variance.
func RunningStats(n *nets.Net, momentum float32) []engine.RunningStat {
	var out []engine.RunningStat
	for _, s := range n.BNStats() {
		out = append(out, engine.RunningStat{Mean: s.Mean, Var: s.Var, RunMean: n.Store.Data(s.RunMean),
			RunVar: n.Store.Data(s.RunVar), Count: s.Count, Momentum: momentum})
	}
	return out
}
