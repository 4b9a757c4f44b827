package enginetest

import (
	"fmt"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"genxai/engine"
)

// gradGraph is a training step whose gradients are given: for each
// parameter w_i a node whose gradient after a run is exactly the values in
// c_i (cost = Σ_i Σ w_i ⊙ c_i, so ∂cost/∂w_i = 1·c_i), stepped by the tape's
// Trainer, which runs the optimizer on the host.
type gradGraph struct {
	trainer engine.Trainer
	grads   [][]float32 // the backing arrays of the c_i
}

func newGradGraph(data [][]float32, decay []bool, o engine.OptimSpec) *gradGraph {
	g := G.NewGraph()
	gg := &gradGraph{}
	var cost *G.Node
	var learn G.Nodes
	spec := engine.TrainSpec{Optim: o}
	for i, d := range data {
		n := len(d)
		w := G.NewVector(g, tensor.Float32, G.WithShape(n), G.WithName(fmt.Sprintf("w%d", i)), G.WithValue(tensor.New(tensor.WithShape(n), tensor.WithBacking(d))))
		c := make([]float32, n)
		cn := G.NewVector(g, tensor.Float32, G.WithShape(n), G.WithName(fmt.Sprintf("c%d", i)), G.WithValue(tensor.New(tensor.WithShape(n), tensor.WithBacking(c))))
		term := G.Must(G.Sum(G.Must(G.HadamardProd(w, cn))))
		if cost == nil {
			cost = term
		} else {
			cost = G.Must(G.Add(cost, term))
		}
		learn = append(learn, w)
		spec.Params = append(spec.Params, engine.TrainParam{Name: w.Name(), Node: w, W: d, M: make([]float32, n), V: make([]float32, n), Decay: decay[i]})
		gg.grads = append(gg.grads, c)
	}
	if _, err := G.Grad(cost, learn...); err != nil {
		panic(err)
	}
	tr, err := engine.NewTrainer("tape", g, spec)
	if err != nil {
		panic(err)
	}
	gg.trainer = tr
	return gg
}

// updateCase runs three steps of every optimizer on parameters of odd sizes,
// with and without weight decay and clipping, through the tape's Trainer and
// through ClipScale and Update, and requires the same bits: parameters,
// moments' effect and the clipping norm.
func updateCase(t *testing.T, be engine.Backend, rng *rand.Rand) (outs [][]float32) {
	configs := []engine.OptimSpec{
		{Kind: engine.Adam, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8},
		{Kind: engine.Adam, Beta1: 0.8, Beta2: 0.99, Eps: 1e-6, WeightDecay: 0.01, GradClip: 1},
		{Kind: engine.AdamW, Beta1: 0.9, Beta2: 0.95, Eps: 1e-8, WeightDecay: 0.1, GradClip: 50},
		{Kind: engine.SGD},
		{Kind: engine.SGD, Momentum: 0.9, WeightDecay: 5e-4, GradClip: 0.5},
	}
	for _, cfg := range configs {
		lens := append(sizes, 1000)
		host := make([][]float32, len(lens))
		decay := make([]bool, len(lens))
		w, g, m, v := make([]engine.Buffer, len(lens)), make([]engine.Buffer, len(lens)), make([]engine.Buffer, len(lens)), make([]engine.Buffer, len(lens))
		for i, n := range lens {
			host[i] = normals(rng, n)
			decay[i] = i%2 == 0
			w[i], g[i], m[i], v[i] = up(be, host[i]), be.Alloc(n), be.Alloc(n), be.Alloc(n)
		}
		gg := newGradGraph(host, decay, cfg)
		clip := be.Alloc(engine.ClipValues)
		for step := int64(1); step <= 3; step++ {
			lr := 0.05 / float64(step)
			for i, c := range gg.grads {
				copy(c, normals(rng, len(c)))
				be.Upload(g[i], c)
			}
			norm, err := gg.trainer.Step(engine.StepArgs{LR: lr, Update: step})
			if err != nil {
				t.Fatal(err)
			}
			be.ClipScale(g, cfg.GradClip, clip)
			_, gotNorm := engine.DecodeClip(down(t, be, clip))
			if gotNorm != norm {
				t.Fatalf("%+v step %d: global norm %v, the tape's %v", cfg, step, gotNorm, norm)
			}
			for i := range w {
				be.Update(engine.Update{Kind: cfg.Kind, LR: lr, Beta1: cfg.Beta1, Beta2: cfg.Beta2, Eps: cfg.Eps,
					Momentum: cfg.Momentum, WeightDecay: cfg.WeightDecay, Step: step, Decay: decay[i]}, w[i], g[i], m[i], v[i], clip)
				got := down(t, be, w[i])
				exact(t, fmt.Sprintf("%+v step %d parameter %d (%d values)", cfg, step, i, lens[i]), got, host[i])
				outs = append(outs, got)
			}
		}
		gg.trainer.Close()
	}
	return outs
}
