package train

import (
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"genxai/engine"
)

// quadratic builds loss = Σ (w − target)² and returns its parameter and executor.
func quadratic(t *testing.T, w0, target []float32) (Param, engine.Executor, *G.Node) {
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
	return p, engine.NewTape(g, G.Nodes{w}), loss
}

// Adam's first step moves every weight by lr against the sign of its gradient
// (the bias-corrected ratio m̂/√v̂ is ±1).
func TestAdamFirstStep(t *testing.T) {
	p, ex, _ := quadratic(t, []float32{1, -2, 3}, []float32{0, 0, 0})
	o, _ := NewOptimizer(OptimConfig{Kind: "adam", Beta1: 0.9, Beta2: 0.999, Eps: 1e-8})
	if err := ex.Run(); err != nil {
		t.Fatal(err)
	}
	norm, err := o.Step([]Param{p}, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if want := 2 * math.Sqrt(1+4+9); math.Abs(norm-want) > 1e-4 {
		t.Errorf("gradient norm %v, want %v", norm, want)
	}
	want := []float32{0.9, -1.9, 2.9}
	for i := range want {
		if math.Abs(float64(p.Data[i]-want[i])) > 1e-5 {
			t.Errorf("w[%d] = %v, want %v", i, p.Data[i], want[i])
		}
	}
}

// Each optimizer drives a quadratic to its minimum.
func TestOptimizersConverge(t *testing.T) {
	for _, c := range []OptimConfig{
		{Kind: "adam", Beta1: 0.9, Beta2: 0.999, Eps: 1e-8},
		{Kind: "adamw", Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 1e-4},
		{Kind: "sgd", Momentum: 0.9},
		{Kind: "sgd", Momentum: 0.9, GradClip: 0.5},
	} {
		p, ex, loss := quadratic(t, []float32{1, -2, 3}, []float32{0.5, 0.25, -1})
		o, _ := NewOptimizer(c)
		for i := 0; i < 500; i++ {
			if err := ex.Run(); err != nil {
				t.Fatal(err)
			}
			if _, err := o.Step([]Param{p}, 0.02); err != nil {
				t.Fatal(err)
			}
		}
		ex.Run()
		if l := engine.Scalar(loss); l > 1e-3 {
			t.Errorf("%+v: loss %v after 500 steps", c, l)
		}
	}
}

// Clipping scales the step so the clipped gradient has the given norm.
func TestGradientClipping(t *testing.T) {
	p, ex, _ := quadratic(t, []float32{3, 4}, []float32{0, 0}) // gradient (6, 8), norm 10
	o, _ := NewOptimizer(OptimConfig{Kind: "sgd", GradClip: 1})
	ex.Run()
	if _, err := o.Step([]Param{p}, 1); err != nil {
		t.Fatal(err)
	}
	if math.Abs(float64(p.Data[0])-2.4) > 1e-4 || math.Abs(float64(p.Data[1])-3.2) > 1e-4 {
		t.Errorf("clipped step gave %v, want [2.4 3.2]", p.Data)
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

// AdamW decays matrices but not vectors (biases, normalization scales).
func TestAdamWDecaysOnlyMatrices(t *testing.T) {
	g := G.NewGraph()
	mk := func(name string, shape ...int) Param {
		n := 1
		for _, d := range shape {
			n *= d
		}
		data := make([]float32, n)
		for i := range data {
			data[i] = 1
		}
		v := tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
		node := G.NewTensor(g, tensor.Float32, len(shape), G.WithShape(shape...), G.WithName(name), G.WithValue(v))
		return Param{Name: name, Node: node, Data: data}
	}
	w, b := mk("w", 2, 2), mk("b", 2)
	loss := G.Must(G.Add(G.Must(G.Sum(G.Must(G.Mul(G.NewConstant(float32(0)), w.Node)))), G.Must(G.Sum(G.Must(G.Mul(G.NewConstant(float32(0)), b.Node))))))
	ps := []Param{w, b}
	if err := Differentiate(loss, ps); err != nil {
		t.Fatal(err)
	}
	ex := engine.NewTape(g, G.Nodes{w.Node, b.Node})
	o, _ := NewOptimizer(OptimConfig{Kind: "adamw", Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.5})
	if err := ex.Run(); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Step(ps, 0.1); err != nil {
		t.Fatal(err)
	}
	if math.Abs(float64(w.Data[0])-0.95) > 1e-6 {
		t.Errorf("matrix weight %v after one decayed step with zero gradient, want 0.95", w.Data[0])
	}
	if b.Data[0] != 1 {
		t.Errorf("bias %v changed; AdamW must not decay vectors", b.Data[0])
	}
}
