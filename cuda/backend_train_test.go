package cuda_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"

	"genxai/cuda"
	"genxai/engine"
	"genxai/engine/cpu"
	"genxai/nets"
	"genxai/train"
)

// trainModel is a training graph at small sizes and its random inputs.
type trainModel func(s *nets.Store) (*nets.Net, *G.Node, []engine.RandomInput, error)

// trainModels are the graphs (with the families of backend_families_test.go)
// whose whole training step (random inputs,
// forward, backward, clipping, Adam, running statistics) runs through the
// plan on the CUDA backend on the fake.
var trainModels = map[string]trainModel{
	"vae-digits": func(s *nets.Store) (*nets.Net, *G.Node, []engine.RandomInput, error) {
		m, err := nets.NewVAE(s, nets.VAEConfig{Arch: "mlp", C: 1, H: 8, W: 8, Hidden: []int{32}, Latent: 4,
			Activation: "relu", Likelihood: "bernoulli", Beta: 1, Dropout: 0.1}, 16, true)
		if err != nil {
			return nil, nil, nil, err
		}
		return m.Net, m.Loss, []engine.RandomInput{train.NormalInput(m.Eps)}, nil
	},
	"classifier-mlp": func(s *nets.Store) (*nets.Net, *G.Node, []engine.RandomInput, error) {
		m, err := nets.NewClassifier(s, nets.ClassifierConfig{Arch: "mlp", C: 1, H: 8, W: 8, Classes: 10,
			Hidden: []int{24, 16}, Activation: "tanh", Dropout: 0.2, BatchNorm: true}, 12, true)
		if err != nil {
			return nil, nil, nil, err
		}
		return m.Net, m.Loss, nil, nil
	},
	"dcgan-d": func(s *nets.Store) (*nets.Net, *G.Node, []engine.RandomInput, error) {
		m, err := nets.NewGANDiscriminatorStep(s, dcgan, 4)
		if err != nil {
			return nil, nil, nil, err
		}
		return m.Net, m.Loss, nil, nil
	},
	"dcgan-g": func(s *nets.Store) (*nets.Net, *G.Node, []engine.RandomInput, error) {
		m, err := nets.NewGANGeneratorStep(s, dcgan, 4)
		if err != nil {
			return nil, nil, nil, err
		}
		return m.Net, m.Loss, []engine.RandomInput{train.NormalInput(m.Z)}, nil
	},
}

// dcgan is a conditional DCGAN with a projection discriminator.
var dcgan = nets.GANConfig{Arch: "dcgan", C: 1, H: 8, W: 8, Classes: 3, Latent: 5, GChannels: []int{6, 4},
	DChannels: []int{4, 6}, BatchNorm: true, Projection: true}

// trainSteps runs steps training steps of m through the plan on be (the
// run's state in a workspace on be) and returns every tensor of the Store
// and the losses.
func trainSteps(t *testing.T, be engine.Backend, m trainModel, steps int) (map[string][]float32, []float64) {
	t.Helper()
	return trainStepsHow(t, be, m, steps, false)
}

// trainRig is a model's training step prepared through the plan on a
// backend, with the run's state in a workspace on it.
type trainRig struct {
	net    *nets.Net
	store  *nets.Store
	ws     *engine.Workspace
	step   *train.Step
	rng    *rand.Rand
	inputs [][]float32 // the batch's inputs (not stored, not drawn)
}

// newTrainRig prepares m's training step on be (Adam with clipping);
// close releases it.
func newTrainRig(t testing.TB, be engine.Backend, m trainModel) *trainRig {
	t.Helper()
	store := nets.NewStore(3)
	n, loss, random, err := m(store)
	if err == nil {
		err = n.Err()
	}
	if err != nil {
		t.Fatal(err)
	}
	r := &trainRig{net: n, store: store, ws: engine.NewWorkspace(be), rng: rand.New(rand.NewPCG(5, 6))}
	for _, name := range store.SortedNames() {
		r.ws.Add(name, store.Data(name))
	}
	r.step, err = train.Prepare(n, loss, nil, "plan", train.OptimConfig{Kind: "adam", Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, GradClip: 1}, r.ws, 0, random...)
	if err != nil {
		r.ws.Close()
		t.Fatal(err)
	}
	drawn := map[*G.Node]bool{}
	for _, in := range random {
		drawn[in.Node] = true
	}
	stored := map[*float32]bool{}
	for _, name := range store.SortedNames() {
		stored[&store.Data(name)[0]] = true
	}
	for _, node := range n.G.AllNodes() {
		if d := engine.Float32s(node); node.Op() == nil && len(d) > 0 && !stored[&d[0]] && !drawn[node] {
			r.inputs = append(r.inputs, d)
		}
	}
	return r
}

// fill writes a fresh batch into the graph's inputs.
func (r *trainRig) fill() {
	for _, d := range r.inputs {
		for i := range d {
			d[i] = r.rng.Float32()
		}
	}
}

// args are the arguments of global step step as train.OptimizeStep gives
// them to the trainer (the optimizer counts the update).
func (r *trainRig) args(step int) engine.StepArgs {
	key := train.StepKey(train.StepInput{Seed: 7, Step: int64(step)}, r.step.Stream)
	return engine.StepArgs{Key: key, LR: 1e-2, Update: r.step.Opt.Next()}
}

// close frees the trainer and the workspace.
func (r *trainRig) close() {
	r.step.Trainer.Close()
	r.ws.Close()
}

// trainStepsHow is trainSteps; with launched, each step is queued as the
// train loop queues it (train.OptimizeStep) and a step whose result comes
// later is read after the next step was queued and its batch written.
func trainStepsHow(t *testing.T, be engine.Backend, m trainModel, steps int, launched bool) (map[string][]float32, []float64) {
	t.Helper()
	r := newTrainRig(t, be, m)
	defer r.close()
	var losses []float64
	var later func() (train.StepResult, error)
	settle := func() {
		if later == nil {
			return
		}
		res, err := later()
		if err != nil {
			t.Fatalf("%s step %d read back: %v", be.Name(), len(losses), err)
		}
		losses, later = append(losses, res.Loss), nil
	}
	for step := range steps {
		r.fill()
		in := train.StepInput{Seed: 7, Step: int64(step), LR: 1e-2}
		if launched {
			res, err := train.OptimizeStep(r.step, in)
			if err != nil {
				t.Fatalf("%s step %d: %v", be.Name(), step, err)
			}
			settle()
			later = res.Later
			if later == nil {
				losses = append(losses, res.Loss)
			}
			continue
		}
		l, _, err := r.step.Run(in, in.LR, 0)
		if err != nil {
			t.Fatalf("%s step %d: %v", be.Name(), step, err)
		}
		losses = append(losses, l)
	}
	settle()
	if err := r.ws.Sync(); err != nil {
		t.Fatal(err)
	}
	out := map[string][]float32{}
	for _, name := range r.store.SortedNames() {
		out[name] = append([]float32(nil), r.store.Data(name)...)
	}
	return out, losses
}

// relDiff is the largest absolute difference over the largest magnitude.
func relDiff(a, b []float32) float64 {
	var d, m float64
	for i := range a {
		d = math.Max(d, math.Abs(float64(a[i])-float64(b[i])))
		m = math.Max(m, math.Abs(float64(a[i])))
	}
	if m == 0 {
		return d
	}
	return d / m
}

// matchCPU trains m for steps on the CPU backend and on be and requires
// every loss and every tensor of the Store within tol relative.
func matchCPU(t *testing.T, be *cuda.Backend, m trainModel, steps int, tol float64) {
	t.Helper()
	want, wantLoss := trainSteps(t, cpu.New(cpu.Options{}), m, steps)
	got, gotLoss := trainSteps(t, be, m, steps)
	for i := range wantLoss {
		if d := math.Abs(gotLoss[i]-wantLoss[i]) / math.Max(math.Abs(wantLoss[i]), 1e-30); d > tol || math.IsNaN(d) {
			t.Errorf("step %d loss %v on CUDA, %v on the CPU", i, gotLoss[i], wantLoss[i])
		}
	}
	for p, w := range want {
		if d := relDiff(w, got[p]); d > tol || math.IsNaN(d) {
			t.Errorf("%s: relative difference %.3g after %d steps", p, d, steps)
		}
	}
	if be.Live() != 0 {
		t.Errorf("%d buffers still allocated after the trainer and the workspace closed", be.Live())
	}
	t.Logf("losses CPU %v CUDA %v", wantLoss, gotLoss)
}

// TestTrainingStepOnFake: three whole training steps of each model through
// the plan on the CUDA backend (on the fake, kernels executed by the CPU
// backend's code, products by the fake's cuBLAS) give the CPU backend's
// losses and parameters within 1e-5 relative per tensor, launching the
// kernels of the update, the clipping, the chains, the random inputs and
// the convolutions; the backend and the fake release everything.
func TestTrainingStepOnFake(t *testing.T) {
	for name, m := range trainModels {
		t.Run(name, func(t *testing.T) {
			be, f := onFake(t, nil)
			matchCPU(t, be, m, 3, 1e-5)
			kernels := []string{"update_adam", "clip_finish", "chain_"}
			if name != "dcgan-d" { // the only one without random inputs
				kernels = append(kernels, "random_fill")
			}
			if strings.HasPrefix(name, "dcgan") {
				kernels = append(kernels, "im2col", "col2im")
			}
			if name == "classifier-cnn" {
				kernels = append(kernels, "im2col", "max_pool", "max_pool_grad", "bn_grad")
			}
			if name == "lm" {
				kernels = append(kernels, "layer_norm", "layer_norm_dx", "softmax")
			}
			for _, k := range kernels {
				if !slices.ContainsFunc(f.Trace(), func(op string) bool { return strings.Contains(op, " launch "+k) }) {
					t.Errorf("no launch of %s on the fake", k)
				}
			}
		})
	}
}
