package train

import (
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"genxai/engine"
	"genxai/nets"
)

// executors are the executors every optimizer test runs on.
var executors = []string{"tape", "plan"}

// quadratic builds loss = Σ (w − target)² and a Trainer of the executor
// called kind that steps it with optimizer c.
func quadratic(t *testing.T, kind string, c OptimConfig, w0, target []float32) (*Step, Param) {
	t.Helper()
	g := G.NewGraph()
	wt := tensor.New(tensor.WithShape(len(w0)), tensor.WithBacking(append([]float32(nil), w0...)))
	w := G.NewVector(g, tensor.Float32, G.WithShape(len(w0)), G.WithName("w"), G.WithValue(wt))
	tg := G.NewConstant(tensor.New(tensor.WithShape(len(target)), tensor.WithBacking(append([]float32(nil), target...))))
	loss := G.Must(G.Sum(G.Must(G.Square(G.Must(G.Sub(w, tg))))))
	p := Param{Name: "w", Node: w, Data: wt.Data().([]float32)}
	if err := Differentiate(loss, []Param{p}); err != nil {
		t.Fatal(err)
	}
	o, err := NewOptimizer(c)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := engine.NewTrainer(kind, g, engine.TrainSpec{Params: o.Bind([]Param{p}), Optim: o.Spec()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	return &Step{Loss: loss, Params: []Param{p}, Opt: o, Trainer: tr}, p
}

// run makes one step at learning rate lr and brings the weights to the host.
func run(t *testing.T, s *Step, lr float64) (loss, norm float64) {
	t.Helper()
	loss, norm, err := s.Run(StepInput{}, lr, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Trainer.Sync(); err != nil {
		t.Fatal(err)
	}
	return loss, norm
}

// Adam's first step moves every weight by lr against the sign of its gradient
// (the bias-corrected ratio m̂/√v̂ is ±1).
func TestAdamFirstStep(t *testing.T) {
	for _, kind := range executors {
		s, p := quadratic(t, kind, OptimConfig{Kind: "adam", Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}, []float32{1, -2, 3}, []float32{0, 0, 0})
		_, norm := run(t, s, 0.1)
		if want := 2 * math.Sqrt(1+4+9); math.Abs(norm-want) > 1e-4 {
			t.Errorf("%s: gradient norm %v, want %v", kind, norm, want)
		}
		want := []float32{0.9, -1.9, 2.9}
		for i := range want {
			if math.Abs(float64(p.Data[i]-want[i])) > 1e-5 {
				t.Errorf("%s: w[%d] = %v, want %v", kind, i, p.Data[i], want[i])
			}
		}
	}
}

// Each optimizer drives a quadratic to its minimum.
func TestOptimizersConverge(t *testing.T) {
	for _, kind := range executors {
		for _, c := range []OptimConfig{
			{Kind: "adam", Beta1: 0.9, Beta2: 0.999, Eps: 1e-8},
			{Kind: "adamw", Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 1e-4},
			{Kind: "sgd", Momentum: 0.9},
			{Kind: "sgd", Momentum: 0.9, GradClip: 0.5},
		} {
			s, _ := quadratic(t, kind, c, []float32{1, -2, 3}, []float32{0.5, 0.25, -1})
			var loss float64
			for i := 0; i < 501; i++ {
				loss, _ = run(t, s, 0.02)
			}
			if loss > 1e-3 {
				t.Errorf("%s %+v: loss %v after 500 steps", kind, c, loss)
			}
		}
	}
}

// Clipping scales the step so the clipped gradient has the given norm.
func TestGradientClipping(t *testing.T) {
	for _, kind := range executors {
		s, p := quadratic(t, kind, OptimConfig{Kind: "sgd", GradClip: 1}, []float32{3, 4}, []float32{0, 0}) // gradient (6, 8), norm 10
		run(t, s, 1)
		if math.Abs(float64(p.Data[0])-2.4) > 1e-4 || math.Abs(float64(p.Data[1])-3.2) > 1e-4 {
			t.Errorf("%s: clipped step gave %v, want [2.4 3.2]", kind, p.Data)
		}
	}
}

func TestScheduleWarmupAndCosine(t *testing.T) {
	s := Schedule{Kind: "cosine", Base: 1e-3, Min: 1e-4, Warmup: 10, Total: 110}
	cases := map[int64]float64{0: 1e-4, 9: 1e-3, 10: 1e-3, 60: 5.5e-4, 110: 1e-4, 500: 1e-4}
	for step, want := range cases {
		if got := s.At(step); math.Abs(got-want) > 1e-9 {
			t.Errorf("step %d: lr %v, want %v", step, got, want)
		}
	}
	c := Schedule{Kind: "constant", Base: 0.5}
	if c.At(1000) != 0.5 {
		t.Error("constant schedule changed")
	}
}

// TestAdamWDecaysWhatTheModelDeclares steps AdamW once on a convolutional
// classifier with batch norm whose gradient is zero (all row weights are 0):
// convolution filters and dense weights shrink by 1 − lr·λ, while the output
// bias and the batch-norm scales and shifts, stored as (1, C, 1, 1) so that,
// like filters, they have four dimensions, stay as they are. (The layers
// before a batch norm have no bias: nets.HiddenLayers.)
func TestAdamWDecaysWhatTheModelDeclares(t *testing.T) {
	cfg := nets.ClassifierConfig{Arch: "cnn", C: 1, H: 4, W: 4, Classes: 2, Channels: []int{2}, Hidden: []int{3}, Activation: "relu", BatchNorm: true}
	m, err := nets.NewClassifier(nets.NewStore(1), cfg, 2, true)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Prepare(m.Net, m.Loss, nil, "tape", OptimConfig{Kind: "adamw", Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.5}, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Trainer.Close()
	ps := s.Params
	before := map[string][]float32{}
	for _, p := range ps {
		before[p.Name] = append([]float32(nil), p.Data...)
	}
	run(t, s, 0.1)
	decayed := map[string]bool{"conv1.weight": true, "fc1.weight": true, "out.weight": true}
	seen := 0
	for _, p := range ps {
		want := float32(1)
		if decayed[p.Name] {
			want, seen = 0.95, seen+1
		}
		if p.Decay != decayed[p.Name] {
			t.Errorf("%s %v: Decay = %v, want %v", p.Name, p.Node.Shape(), p.Decay, decayed[p.Name])
		}
		for i, v := range p.Data {
			if w := before[p.Name][i] * want; math.Abs(float64(v-w)) > 1e-6 {
				t.Errorf("%s[%d] = %v after a zero-gradient step, want %v", p.Name, i, v, w)
				break
			}
		}
	}
	if seen != len(decayed) || len(ps) != 8 {
		t.Errorf("the model has %d parameters, %d of them decayed; want 8 and %d", len(ps), seen, len(decayed))
	}
}
