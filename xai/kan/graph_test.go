package kan

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// toyData returns n rows of d uniform features in [−2, 2] and a class from
// f (the class index for each row).
func toyData(n, d int, seed uint64, f func(row []float64) float64) (x, y []float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	x, y = make([]float64, n*d), make([]float64, n)
	for r := 0; r < n; r++ {
		for j := 0; j < d; j++ {
			x[r*d+j] = 4*rng.Float64() - 2
		}
		y[r] = f(x[r*d : (r+1)*d])
	}
	return x, y
}

func names(p int, prefix string) []string {
	s := make([]string, p)
	for i := range s {
		s[i] = prefix + string(rune('a'+i))
	}
	return s
}

// TestGradientsMatchFiniteDifferences checks every parameter's gradient of
// the regularised loss, through two layers (so through the basis op's
// backward pass), for a binary and a three-class model.
func TestGradientsMatchFiniteDifferences(t *testing.T) {
	for _, tc := range []struct {
		name    string
		classes []string
		hidden  []int
	}{{"binary", names(2, "c"), []int{3}}, {"three classes", names(3, "c"), []int{2}}} {
		t.Run(tc.name, func(t *testing.T) {
			k := float64(len(tc.classes))
			x, y := toyData(12, 3, 7, func(r []float64) float64 { return math.Mod(math.Floor((r[0]+r[1]+2)*k/4+4*k), k) })
			m, err := New(names(3, "x"), tc.classes, x, len(y), Options{Hidden: tc.hidden, Grid: 4, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			// hidden grids narrower than the activations would make
			// the clamped spline's derivative vanish: put them on [−3, 3].
			for _, l := range m.Layers[1:] {
				for i := range l.Grids {
					l.Grids[i].Lo, l.Grids[i].Hi = -3, 3
				}
			}
			z := m.standardized(x, len(y))
			gr, err := buildGraph(m, z, y, len(y), Reg{Lambda: 0.1, MuL1: 1, MuEntropy: 2})
			if err != nil {
				t.Fatal(err)
			}
			mc, err := newMachine(gr)
			if err != nil {
				t.Fatal(err)
			}
			loss0, grads, err := mc.run()
			if err != nil {
				t.Fatal(err)
			}
			// the graph's prediction loss is the host forward pass's log loss
			s, err := m.Score(x, y)
			if err != nil {
				t.Fatal(err)
			}
			if pred := gr.predV.Data().(float64); math.Abs(pred-s.LogLoss) > 1e-10 {
				t.Fatalf("graph log loss %g, host forward %g", pred, s.LogLoss)
			}
			an := make([][]float64, len(grads))
			for i := range grads {
				an[i] = append([]float64(nil), grads[i]...)
			}
			const h = 1e-6
			checked := 0
			for pi, d := range gr.data {
				for k := range d {
					old := d[k]
					d[k] = old + h
					lp, _, err := mc.run()
					if err != nil {
						t.Fatal(err)
					}
					d[k] = old - h
					lm, _, err := mc.run()
					if err != nil {
						t.Fatal(err)
					}
					d[k] = old
					fd := (lp - lm) / (2 * h)
					if math.Abs(fd-an[pi][k]) > 1e-6*(1+math.Abs(fd)) {
						t.Errorf("%s[%d]: gradient %g, finite difference %g", gr.params[pi].Name(), k, an[pi][k], fd)
					}
					checked++
				}
			}
			if l, _, _ := mc.run(); l != loss0 {
				t.Fatalf("loss changed after the check: %g then %g", loss0, l)
			}
			t.Logf("%d parameters checked, loss %g", checked, loss0)
		})
	}
}

// TestFitLearnsAndExtendsGrid trains a one-layer KAN on a separable rule
// and checks it learns it and that grid extension keeps the functions.
func TestFitLearnsAndExtendsGrid(t *testing.T) {
	x, y := toyData(200, 2, 5, func(r []float64) float64 {
		if math.Sin(1.5*r[0])+0.5*r[1] > 0 {
			return 1
		}
		return 0
	})
	m, h, err := Fit(context.Background(), names(2, "x"), names(2, "c"), x, y,
		Options{Grid: 3, GridExtend: 9, Steps: 300, RetrainSteps: 50, LR: 0.05, Seed: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.Score(x, y)
	if err != nil {
		t.Fatal(err)
	}
	if s.Accuracy < 0.95 {
		t.Errorf("training accuracy %.3f on a noiseless additive rule, want ≥ 0.95", s.Accuracy)
	}
	if h.GridMaxError == nil || !(*h.GridMaxError < 1e-9) {
		t.Errorf("grid extension 3 → 9 changed an edge function by more than 1e-9 (%v); nested grids represent it exactly", h.GridMaxError)
	}
}

// TestPruneDropsNoiseInput fits a one-layer KAN with the sparsity
// regularisation to a label that depends on x0 and x1 only: pruning must
// mask the pure-noise input x2 and keep the others.
func TestPruneDropsNoiseInput(t *testing.T) {
	x, y := toyData(300, 3, 9, func(r []float64) float64 {
		if r[0]-0.7*r[1]*r[1]+0.5 > 0 {
			return 1
		}
		return 0
	})
	m, h, err := Fit(context.Background(), names(3, "x"), names(2, "c"), x, y,
		Options{Grid: 5, Steps: 400, RetrainSteps: 20, LR: 0.02, Reg: Reg{Lambda: 0.01, MuL1: 1, MuEntropy: 2}, PruneThreshold: 0.05, Seed: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.PrunedInputs) != 1 || h.PrunedInputs[0] != "xc" {
		t.Fatalf("pruned %v, want the noise input xc alone", h.PrunedInputs)
	}
	if got := m.ActiveInputs(); len(got) != 2 {
		t.Fatalf("active inputs %v", got)
	}
	for _, e := range m.Edges(5) {
		if e.From == "xc" {
			for _, v := range e.Y {
				if v != 0 {
					t.Fatalf("pruned edge %s → %s still outputs %g", e.From, e.To, v)
				}
			}
		}
	}
}

// TestHiddenPruningAndGridUpdate prunes a hidden node that a two-layer KAN
// does not need and checks the hidden grids follow their inputs.
func TestHiddenPruningAndGridUpdate(t *testing.T) {
	x, _ := toyData(200, 2, 4, func([]float64) float64 { return 0 })
	m, err := New(names(2, "x"), names(2, "c"), x, 200, Options{Hidden: []int{2}, Grid: 4, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	// edge scores: hidden node 1 receives nothing above the threshold
	scores := [][]float64{{0.5, 0.001, 0.4, 0.002}, {0.3, 0.6}}
	in, hid := m.Prune(scores, 0.01)
	if len(in) != 0 || len(hid) != 1 || hid[0] != "layer 1 node 1" {
		t.Fatalf("pruned inputs %v hidden %v", in, hid)
	}
	if m.Layers[0].Mask[1] != 0 || m.Layers[0].Mask[3] != 0 || m.Layers[1].Mask[1] != 0 || m.Layers[1].Mask[0] != 1 {
		t.Fatalf("masks %v %v", m.Layers[0].Mask, m.Layers[1].Mask)
	}
	z := m.standardized(x, 200)
	if err := m.UpdateHiddenGrids(z, 200); err != nil {
		t.Fatal(err)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for r := 0; r < 200; r++ {
		v := m.Layers[0].Forward(z[2*r : 2*r+2])[0]
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if g := m.Layers[1].Grids[0]; math.Abs(g.Lo-lo) > 1e-12 || math.Abs(g.Hi-hi) > 1e-12 {
		t.Fatalf("hidden grid %+v, want the range [%g, %g] of its input", g, lo, hi)
	}
}
