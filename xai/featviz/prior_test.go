package featviz

import (
	"math"
	"math/rand"
	"path/filepath"
	"testing"

	"genxai/models"
	"genxai/xai/explain/explaintest"
)

// meanValue runs featviz with o at steps 1 and at o.Params.Steps and
// returns the mean value of the targets reached by each.
func meanValue(t *testing.T, o Options) (start, end float64, s map[string]any) {
	t.Helper()
	mean := func(s map[string]any) float64 {
		var v float64
		rows := s["targets"].([]map[string]any)
		for _, r := range rows {
			v += r["value"].(float64)
		}
		return v / float64(len(rows))
	}
	o1 := o
	o1.Params.Steps, o1.Out = 1, t.TempDir()
	s1, err := Run(o1)
	if err != nil {
		t.Fatal(err)
	}
	o.Out = t.TempDir()
	s, err = Run(o)
	if err != nil {
		t.Fatal(err)
	}
	explaintest.CheckPNG(t, filepath.Join(o.Out, "featviz.png"), 100, 100)
	return mean(s1), mean(s), s
}

func TestPriorsClimbTheirObjective(t *testing.T) {
	clf := explaintest.Train(t, explaintest.ClassifierCNN)
	vae := explaintest.Train(t, explaintest.DigitsVAE(8, 6))
	gan := explaintest.Train(t, explaintest.DigitsCGAN)
	p := params()
	p.Steps, p.Rotate, p.Scale = 60, 8, 0.1
	for _, tc := range []struct {
		name string
		o    Options
	}{
		{"generator vae, judged", Options{Prior: "generator", Generator: vae, JudgeVAE: vae, Objective: "prob:0,prob:3", Restarts: 2, Diversity: 2, DiversityWeight: 0.5, LatentL2: 0.01}},
		{"generator cgan", Options{Prior: "generator", Generator: gan, Objective: "class:2,unit:4"}},
		{"freq, channel and neuron", Options{Prior: "freq", Objective: "class:7,channel:conv1:2,neuron:conv1:5:4:4"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.o
			o.Run, o.Compare, o.Params, o.Executor = clf, 100, p, "tape"
			start, end, s := meanValue(t, o)
			if !(end > start) {
				t.Errorf("mean target value %.4f after %d steps, %.4f after one", end, p.Steps, start)
			}
			if o.JudgeVAE == "" {
				return
			}
			classes := s["classes"].([]map[string]any)
			if len(classes) != 2 {
				t.Fatalf("judged %d classes, want 2", len(classes))
			}
			for _, c := range classes {
				lo, p5, p95, hi := c["test_elbo_min"].(float64), c["test_elbo_p5"].(float64), c["test_elbo_p95"].(float64), c["test_elbo_max"].(float64)
				e := c["picture_elbo"].(float64)
				if !(lo <= p5 && p5 <= p95 && p95 <= hi) || math.IsNaN(e) || e > 0 {
					t.Errorf("%s: ELBO range [%v %v %v %v], picture ELBO %v", c["name"], lo, p5, p95, hi, e)
				}
				if c["elbo_in_range"].(bool) != (e >= lo && e <= hi) {
					t.Errorf("%s: elbo_in_range disagrees with the range", c["name"])
				}
			}
		})
	}
}

// TestHookGradients checks the gradient of every kind of target, through the
// classifier's hooks, against central finite differences of its value.
func TestHookGradients(t *testing.T) {
	dir := explaintest.Train(t, explaintest.ClassifierCNN)
	run, err := models.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	run.UseExecutor("tape")
	targets, err := ParseObjective("class:3,prob:3,unit:1,channel:conv1:2,neuron:conv1:5:4:4", 10, 32)
	if err != nil {
		t.Fatal(err)
	}
	clf, err := newClassifier(run, 3, targets)
	if err != nil {
		t.Fatal(err)
	}
	defer clf.Close()
	rng := rand.New(rand.NewSource(4))
	x := make([]float32, 64)
	for i := range x {
		x[i] = float32(0.3 + 0.4*rng.Float64())
	}
	for ti, tg := range targets {
		r, err := clf.eval([][]float32{x}, []Target{tg}, nil, targets)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range []int{10, 19, 27, 36, 45, 52} {
			const h = 1e-3
			xp, xm := append([]float32(nil), x...), append([]float32(nil), x...)
			xp[j] += h
			xm[j] -= h
			rp, _ := clf.eval([][]float32{xp}, nil, nil, targets)
			rm, _ := clf.eval([][]float32{xm}, nil, nil, targets)
			up, down := (rp.values[0][ti]-r.values[0][ti])/h, (r.values[0][ti]-rm.values[0][ti])/h
			if math.Abs(up-down) > 0.01*math.Max(1, math.Abs(up)) {
				continue // a kink of ReLU or max pooling: no derivative to compare with
			}
			fd := (up + down) / 2
			if g := float64(r.grad[0][j]); math.Abs(fd-g) > 0.02*math.Max(1, math.Abs(fd)) {
				t.Errorf("%s, pixel %d: gradient %.5f, finite difference %.5f", tg, j, g, fd)
			}
		}
	}
	if _, err := newClassifier(run, 1, []Target{{Kind: "channel", Layer: "conv9"}}); err == nil {
		t.Error("a layer the model lacks: no error")
	}
	if _, err := newClassifier(run, 1, []Target{{Kind: "channel", Layer: "conv1", Index: 8}}); err == nil {
		t.Error("channel 8 of an 8-channel layer: no error")
	}
}

func TestParseObjective(t *testing.T) {
	ts, err := ParseObjective("class:1, prob:2,unit:3,channel:conv2:4,neuron:fc1:5:0:0", 10, 8)
	if err != nil || len(ts) != 5 || ts[3] != (Target{Kind: "channel", Layer: "conv2", Index: 4}) || ts[4].String() != "neuron:fc1:5:0:0" {
		t.Fatalf("got %v, %v", ts, err)
	}
	for _, bad := range []string{"class:10", "unit:8", "class:-1", "channel:conv1", "neuron:conv1:1:2", "logit:3", ""} {
		if _, err := ParseObjective(bad, 10, 8); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
