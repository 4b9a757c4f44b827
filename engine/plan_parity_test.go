package engine_test

import (
	"math"
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"

	"genxai/engine"
	_ "genxai/engine/cpu"
	"genxai/nets"
	"genxai/train"
)

// model builds a training graph from a fresh Store seeded alike, so two
// builds hold the same parameters; it returns the net and its loss.
type model func(t *testing.T, store *nets.Store) (*nets.Net, *G.Node)

// must returns m, panicking on a build error (a bug of the test's settings).
func must[M any](m M, err error) M {
	if err != nil {
		panic(err)
	}
	return m
}

// parityModels are the graphs the plan executor must match the tape on:
// every model family of nets at small sizes.
var parityModels = map[string]model{
	"mlp": func(t *testing.T, s *nets.Store) (*nets.Net, *G.Node) {
		n := nets.NewNet(s, true)
		x := n.Input("x", 6, 5)
		h := n.Activate("tanh", n.Dense("fc1", x, 7))
		h = n.Activate("leaky_relu", n.Dense("fc2", h, 4))
		loss := n.Sum(n.Mul(h, h))
		n.Keep(h, loss)
		return n, loss
	},
	"vae-digits": func(t *testing.T, s *nets.Store) (*nets.Net, *G.Node) {
		m := must(nets.NewVAE(s, nets.VAEConfig{Arch: "mlp", C: 1, H: 8, W: 8, Hidden: []int{128}, Latent: 8,
			Activation: "relu", Likelihood: "bernoulli", Beta: 1}, 64, true))
		return m.Net, m.Loss
	},
	"classifier-mlp": func(t *testing.T, s *nets.Store) (*nets.Net, *G.Node) {
		m := must(nets.NewClassifier(s, nets.ClassifierConfig{Arch: "mlp", C: 1, H: 8, W: 8, Classes: 10,
			Hidden: []int{32, 16}, Activation: "relu", Dropout: 0.2, BatchNorm: true}, 12, true))
		return m.Net, m.Loss
	},
	"classifier-cnn": func(t *testing.T, s *nets.Store) (*nets.Net, *G.Node) {
		m := must(nets.NewClassifier(s, nets.ClassifierConfig{Arch: "cnn", C: 1, H: 8, W: 8, Classes: 10,
			Hidden: []int{16}, Channels: []int{4, 6}, Activation: "relu", Dropout: 0.1, BatchNorm: true}, 6, true))
		return m.Net, m.Loss
	},
	"gan-mlp-d": ganStep(ganConfig, 8, false),
	"gan-mlp-g": ganStep(ganConfig, 8, true),
	"vae-conv": func(t *testing.T, s *nets.Store) (*nets.Net, *G.Node) {
		m := must(nets.NewVAE(s, nets.VAEConfig{Arch: "conv", C: 1, H: 8, W: 8, Channels: []int{3, 5}, Latent: 4,
			Activation: "relu", Likelihood: "bernoulli", Beta: 1, BatchNorm: true}, 5, true))
		return m.Net, m.Loss
	},
	"dcgan-d": ganStep(dcganConfig, 4, false),
	"dcgan-g": ganStep(dcganConfig, 4, true),
	"forecaster": func(t *testing.T, s *nets.Store) (*nets.Net, *G.Node) {
		m := must(nets.NewForecaster(s, nets.ForecasterConfig{Window: 9, Hidden: []int{12, 5}, Activation: "tanh", Dropout: 0.1, Linear: true}, 7, true))
		return m.Net, m.Loss
	},
	"forecaster-tcn": func(t *testing.T, s *nets.Store) (*nets.Net, *G.Node) {
		m := must(nets.NewForecaster(s, nets.ForecasterConfig{Arch: "tcn", Window: 9, Channels: 4, Kernel: 3, Dilations: []int{1, 2, 4},
			Activation: "relu", Dropout: 0.1, Linear: true}, 5, true))
		return m.Net, m.Loss
	},
	"transformer": func(t *testing.T, s *nets.Store) (*nets.Net, *G.Node) {
		m := must(nets.NewTransformer(s, nets.TransformerConfig{Vocab: 11, Block: 6, Layers: 2, Heads: 2, Embed: 8, Dropout: 0.1}, 3, true))
		return m.Net, m.Loss
	},
}

// ganStep is the discriminator's or the generator's training step of cfg.
func ganStep(cfg nets.GANConfig, batch int, generator bool) model {
	return func(t *testing.T, s *nets.Store) (*nets.Net, *G.Node) {
		if generator {
			m := must(nets.NewGANGeneratorStep(s, cfg, batch))
			return m.Net, m.Loss
		}
		m := must(nets.NewGANDiscriminatorStep(s, cfg, batch))
		return m.Net, m.Loss
	}
}

// dcganConfig is the conditional DCGAN with the projection discriminator
// (concatenated class planes, convolutions, upsampling, channel biases).
var dcganConfig = nets.GANConfig{Arch: "dcgan", C: 1, H: 8, W: 8, Classes: 3, Latent: 5, GChannels: []int{6, 4},
	DChannels: []int{4, 6}, BatchNorm: true, Projection: true}

var ganConfig = nets.GANConfig{Arch: "mlp", C: 1, H: 8, W: 8, Classes: 10, Latent: 6, GHidden: []int{16}, DHidden: []int{12}, BatchNorm: true}

// executor builds the executor of a net whose gradients are in its graph.
type executor func(n *nets.Net) (engine.Executor, error)

// kind is the executor train builds for kind.
func kind(k string) executor {
	return func(n *nets.Net) (engine.Executor, error) { return train.NewExecutor(k, n, n.Params(), nil) }
}

// stepped builds m, adds its gradients, fills every input with the same
// pseudo-random values in [0, 1) and runs it once on the executor newEx makes.
func stepped(t *testing.T, m model, newEx executor) (*nets.Net, *G.Node, engine.Executor) {
	t.Helper()
	n, loss := m(t, nets.NewStore(3))
	if err := n.Err(); err != nil {
		t.Fatal(err)
	}
	if err := train.Differentiate(loss, train.ParamsOf(n)); err != nil {
		t.Fatal(err)
	}
	ex := must(newEx(n))
	t.Cleanup(func() { ex.Close() })
	rng := rand.New(rand.NewSource(5))
	params := map[*G.Node]bool{}
	for _, p := range n.Params() {
		params[p] = true
	}
	for _, node := range n.G.AllNodes() {
		if node.Op() == nil && !params[node] {
			for i, d := 0, engine.Float32s(node); i < len(d); i++ {
				d[i] = rng.Float32()
			}
		}
	}
	if err := ex.Run(); err != nil {
		t.Fatalf("%s: %v", ex.Name(), err)
	}
	return n, loss, ex
}

// zeroScale is the magnitude below which a tensor of the tape is a
// mathematical zero up to rounding (the gradient of a bias before a batch
// norm, of an attention key bias): relDiff measures it absolutely.
const zeroScale = 1e-6

// relDiff is max|a−b| / max|a|, the parity measure of a tensor; for a
// tensor of the tape below zeroScale, max|a−b| / zeroScale · 1e-5, so that a
// difference of up to zeroScale passes.
func relDiff(a, b []float32) float64 {
	var diff, scale float64
	for i := range a {
		diff = math.Max(diff, math.Abs(float64(a[i])-float64(b[i])))
		scale = math.Max(scale, math.Abs(float64(a[i])))
	}
	switch {
	case diff == 0:
		return 0
	case scale < zeroScale:
		return diff / zeroScale * 1e-5
	}
	return diff / scale
}

// TestPlanMatchesTape: the loss, every kept value and every parameter
// gradient of one step, plan against tape, within 1e-5 relative per tensor,
// with no op left to the host fallback.
func TestPlanMatchesTape(t *testing.T) {
	for name, m := range parityModels {
		t.Run(name, func(t *testing.T) {
			plan := matchTape(t, m, kind("plan"))
			if f := plan.Fallbacks(); len(f) > 0 {
				t.Errorf("ops run through the host fallback: %v", f)
			}
			t.Logf("%d steps, %d buffers", plan.Steps(), plan.Buffers())
		})
	}
}

// deviceLike is a CPU backend seen through the engine.Backend interface
// alone, as a device backend would be.
type deviceLike struct{ engine.Backend }

// TestPlanOnlyBackendKernels: on a backend the plan knows nothing of but
// its interface, the own ops of nets (convolutions, channel biases,
// pooling, upsampling and their gradients) run as backend kernels, with
// nothing left to the host fallback, and match the tape.
func TestPlanOnlyBackendKernels(t *testing.T) {
	for _, name := range []string{"classifier-cnn", "dcgan-d", "dcgan-g", "forecaster-tcn"} {
		t.Run(name, func(t *testing.T) {
			plan := matchTape(t, parityModels[name], func(n *nets.Net) (engine.Executor, error) {
				return engine.NewPlan(deviceLike{must(engine.OpenBackend("cpu"))}, n.G, n.Params(), engine.Keep(n.Kept()...))
			})
			if f := plan.Fallbacks(); len(f) > 0 {
				t.Errorf("ops run through the host fallback: %v", f)
			}
		})
	}
}

// matchTape steps m on the tape and on the executor newEx makes (a plan) and
// requires the loss, every kept value and every parameter gradient within
// 1e-5 relative per tensor; it returns the plan.
func matchTape(t *testing.T, m model, newEx executor) *engine.Plan {
	t.Helper()
	tn, tloss, _ := stepped(t, m, kind("tape"))
	pn, ploss, pex := stepped(t, m, newEx)
	check := func(what string, a, b []float32) {
		t.Helper()
		if len(a) != len(b) {
			t.Fatalf("%s: %d values by the tape, %d by the plan", what, len(a), len(b))
		}
		if d := relDiff(a, b); d > 1e-5 || math.IsNaN(d) {
			t.Errorf("%s: relative difference %.3g (tape %v…, plan %v…)", what, d, a[:min(3, len(a))], b[:min(3, len(b))])
		}
	}
	check("loss", engine.Float32s(tloss), engine.Float32s(ploss))
	for i, k := range tn.Kept() {
		check("kept "+k.Name(), engine.Float32s(k), engine.Float32s(pn.Kept()[i]))
	}
	for i, p := range tn.Params() {
		check("gradient of "+tn.ParamNames()[i], must(engine.Grad(p)), must(engine.Grad(pn.Params()[i])))
	}
	return pex.(*engine.PlanExecutor).Plan()
}
