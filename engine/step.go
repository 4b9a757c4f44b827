package engine

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
)

// RandomInput is a leaf of a graph that the executor fills itself before each
// run from the counter-based generator (see Backend.Random): a dropout mask,
// the reparameterization noise of a VAE, the latent codes of a GAN. The i-th
// random input of an executor is filled under key.Nth(i) for the key last set
// with SetRandomKey, so its values depend only on the run's seed, the step,
// the stream and i, on any backend.
type RandomInput struct {
	Node *G.Node
	Kind RandomKind
	A, B float64 // see RandomKind
}

// MaxRandomInputs is the most random inputs one executor may have: Nth packs
// the input's number into the low byte of RandomKey.Tensor.
const MaxRandomInputs = 256

// Nth is the key of the i-th random input of a graph whose stream is
// k.Tensor: the stream moves up a byte and i takes the low byte.
func (k RandomKey) Nth(i int) RandomKey {
	k.Tensor = k.Tensor<<8 | uint32(i)
	return k
}

// FillRandom writes on the host the values Backend.Random writes for the same
// arguments (the reference the tape executor uses).
func FillRandom(kind RandomKind, k RandomKey, a, b float64, out []float32) {
	FillRandomBlocks(kind, k, a, b, out, 0, (len(out)+3)/4)
}

// FillRandomBlocks writes the elements of blocks [lo, hi) of a fill (block j
// holds elements 4j … 4j+3 of out), so a backend can split a fill across
// workers.
func FillRandomBlocks(kind RandomKind, k RandomKey, a, b float64, out []float32, lo, hi int) {
	for j := lo; j < hi; j++ {
		blk := k.Block(j)
		for i := 4 * j; i < min(4*j+4, len(out)); i++ {
			out[i] = RandomValue(kind, blk, i, a, b)
		}
	}
}

// Random declares random inputs of the graph (see RandomInput).
func Random(inputs ...RandomInput) Option {
	return func(o *options) { o.random = append(o.random, inputs...) }
}

// TrainSpec is the host work of a training step that a Trainer runs after
// the graph's forward and backward passes: global-norm clipping and the
// optimizer update of every parameter, and the batch-norm running statistics.
// Loss, when set, is the scalar node whose value Launcher.Launch reads back.
type TrainSpec struct {
	Params  []TrainParam
	Optim   OptimSpec
	Running []RunningStat
	Loss    *G.Node
}

// TrainParam is one learnable tensor: its node (a leaf whose value is backed
// by W), its optimizer state (M: Adam's first moment or SGD's velocity; V:
// Adam's second moment, nil for SGD), and whether AdamW decays it.
type TrainParam struct {
	Name  string
	Node  *G.Node
	W     []float32
	M, V  []float32
	Decay bool
}

// OptimSpec holds an optimizer's hyper-parameters (see Update); GradClip > 0
// clips the global L2 norm of the gradient to it.
type OptimSpec struct {
	Kind                                     OptimKind
	Beta1, Beta2, Eps, Momentum, WeightDecay float64
	GradClip                                 float64
}

// RunningStat links a batch norm's batch statistics (nodes of the graph) to
// its running averages (host slices, usually the Store's): after each step
// RunMean ← (1−m)·RunMean + m·Mean and RunVar ← (1−m)·RunVar + m·Var·c/(c−1)
// for Count = c elements per channel (Backend.RunningStats).
type RunningStat struct {
	Mean, Var       *G.Node
	RunMean, RunVar []float32
	Count           int
	Momentum        float32
}

// StepArgs are what changes from one training step to the next.
type StepArgs struct {
	Key    RandomKey // the random inputs' key: run seed, step and stream
	LR     float64   // the learning rate of this update
	Update int64     // the optimizer's update count, this one included (Adam's t)
}

// Trainer is an executor that runs whole training steps: the random inputs
// filled, forward and backward, clipping, the optimizer update and the
// running statistics, in one call.
type Trainer interface {
	Executor
	// Step runs one training step and returns the gradient's global L2 norm
	// before clipping.
	Step(a StepArgs) (gradNorm float64, err error)
	// Sync brings the parameters, the optimizer state and the running
	// statistics back into their host slices (a no-op where the host holds
	// them already).
	Sync() error
}

// Launcher is a Trainer that can queue a step and read its loss and
// gradient norm later (the plan's). On a backend that reads back without
// waiting (StepReader: the CUDA backend) the loss (TrainSpec.Loss) and the
// clipping's values are copied into host memory inside the step, so
// Launch returns while the device still runs it and the host can prepare
// the next batch meanwhile; on others (the CPU backend) Launch is Step and
// its values are known at once (Launched.Ready).
type Launcher interface {
	Trainer
	// Launch runs step a as Step does, except that where the backend
	// allows it returns before the step has run and publishes no value of
	// the graph (Float32s and Scalar of its nodes are then stale).
	Launch(a StepArgs) (Launched, error)
	// Done waits for the launched step l and returns its loss and the
	// gradient's global L2 norm before clipping. A step's values must be
	// read before the step after next is launched.
	Done(l Launched) (loss, gradNorm float64, err error)
}

// Launched is a step queued by Launcher.Launch.
type Launched struct {
	run        int // the plan's run whose values the backend keeps; 0 when known
	loss, norm float64
}

// Ready reports whether l's values are known already, so Done does not
// wait (always on a backend that runs steps at once).
func (l Launched) Ready() bool { return l.run == 0 }

// NewTrainer returns a Trainer of the executor called kind for the training
// graph g, whose gradient nodes (G.Grad) must already be built. The plan
// runs on the run's workspace given with On (without one it gets a backend
// and a workspace of its own); the tape keeps everything on the host.
func NewTrainer(kind string, g *G.ExprGraph, spec TrainSpec, opts ...Option) (Trainer, error) {
	if err := spec.check(); err != nil {
		return nil, err
	}
	learn := make(G.Nodes, len(spec.Params))
	for i, p := range spec.Params {
		learn[i] = p.Node
	}
	switch kind {
	case "tape", "":
		ex, err := New("tape", g, learn, opts...)
		if err != nil {
			return nil, err
		}
		return &tapeTrainer{Tape: ex.(*Tape), spec: spec}, nil
	case "plan":
		return newPlanTrainer(g, spec, opts...)
	}
	return nil, fmt.Errorf("executor %q is not known (allowed: %v)", kind, Kinds)
}

// check reports a spec whose slices do not fit its nodes.
func (s TrainSpec) check() error {
	for _, p := range s.Params {
		if n := size(p.Node.Shape()); len(p.W) != n || len(p.M) != n || (s.Optim.Kind != SGD && len(p.V) != n) {
			return fmt.Errorf("parameter %s has %d values but its weights, moments hold %d, %d, %d", p.Name, n, len(p.W), len(p.M), len(p.V))
		}
	}
	for _, r := range s.Running {
		if c := size(r.Mean.Shape()); len(r.RunMean) != c || len(r.RunVar) != c || size(r.Var.Shape()) != c {
			return fmt.Errorf("running statistics of %s: %d channels, running mean and variance hold %d and %d", r.Mean.Name(), c, len(r.RunMean), len(r.RunVar))
		}
	}
	return nil
}

// update returns the Update of parameter p for step a.
func (s TrainSpec) update(p TrainParam, a StepArgs) Update {
	o := s.Optim
	return Update{Kind: o.Kind, LR: a.LR, Beta1: o.Beta1, Beta2: o.Beta2, Eps: o.Eps, Momentum: o.Momentum,
		WeightDecay: o.WeightDecay, Step: a.Update, Decay: p.Decay}
}

// tapeTrainer runs the step's host work on the host after Gorgonia's
// TapeMachine: the reference the plan's step is tested against.
type tapeTrainer struct {
	*Tape
	spec  TrainSpec
	grads [][]float32
}

// Step fills the random inputs, runs the tape and updates on the host.
func (t *tapeTrainer) Step(a StepArgs) (float64, error) {
	t.SetRandomKey(a.Key)
	if err := t.Run(); err != nil {
		return 0, err
	}
	if t.grads == nil {
		t.grads = make([][]float32, len(t.spec.Params))
	}
	var sq float64
	for i, p := range t.spec.Params {
		g, err := Grad(p.Node)
		if err != nil {
			return 0, err
		}
		t.grads[i] = g
		for _, x := range g {
			sq += float64(x) * float64(x)
		}
	}
	norm := math.Sqrt(sq)
	scale := ClipScale(norm, t.spec.Optim.GradClip)
	for i, p := range t.spec.Params {
		u := t.spec.update(p, a)
		if u.Kind == SGD {
			StepSGD(u, p.W, t.grads[i], p.M, scale)
		} else {
			StepAdam(u, p.W, t.grads[i], p.M, p.V, scale)
		}
	}
	for _, r := range t.spec.Running {
		UpdateRunningStats(r.RunMean, r.RunVar, Float32s(r.Mean), Float32s(r.Var), r.Momentum, r.Count)
	}
	return norm, nil
}

// Sync is a no-op: the tape's state is on the host.
func (t *tapeTrainer) Sync() error { return nil }

// UpdateRunningStats is Backend.RunningStats on host slices, as PyTorch's
// batch norm folds a batch into its running averages:
// rm ← (1−m)·rm + m·mean, rv ← (1−m)·rv + m·var·count/(count−1).
func UpdateRunningStats(runMean, runVar, mean, variance []float32, momentum float32, count int) {
	unbias := float32(1)
	if count > 1 {
		unbias = float32(count) / float32(count-1)
	}
	for i := range runMean {
		runMean[i] = (1-momentum)*runMean[i] + momentum*mean[i]
		runVar[i] = (1-momentum)*runVar[i] + momentum*variance[i]*unbias
	}
}
