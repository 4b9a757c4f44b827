package saliency

import (
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"genxai/nets"
	"genxai/xai/explain"
	"genxai/xai/explain/explaintest"
)

// linearScorer is f(x) = x·W + b with outputs columns and batch rows, and
// its store (weights "linear.weight", D×outputs, and "linear.bias").
func linearScorer(t *testing.T, batch, d, outputs int) (*explain.Scorer, *nets.Store) {
	t.Helper()
	store := nets.NewStore(3)
	n := nets.NewNet(store, false)
	x := n.Input("x", batch, d)
	s, err := explain.NewScorer(n, x, n.Dense("linear", x, outputs), explaintest.Tape)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, store
}

// TestCurvesHandComputed: f(x) = x1 + 2x2 + 3x3 + 4x4 + 0.5 on a 1×2×2 image
// of ones, the attribution (0.1, 0.4, 0.3, 0.2) orders the pixels 2, 3, 4,
// 1. Deleting one pixel a step to 0: f = 10.5, 8.5, 5.5, 1.5, 0.5, area
// ¼·(9.5 + 7 + 3.5 + 1) = 5.25; two pixels a step: 10.5, 5.5, 0.5, area
// ½·(8 + 3) = 5.5. Inserting into zeros: 0.5, 2.5, 5.5, 9.5, 10.5, area
// ¼·(1.5 + 4 + 7.5 + 10) = 5.75.
func TestCurvesHandComputed(t *testing.T) {
	s, store := linearScorer(t, 2, 4, 1) // 2 rows: the 5 points run in 3 chunks
	copy(store.Data("linear.weight"), []float32{1, 2, 3, 4})
	store.Data("linear.bias")[0] = 0.5
	qs := []explain.Query{{X: []float32{1, 1, 1, 1}}}
	attr := [][]float32{{0.1, 0.4, 0.3, 0.2}}
	zeros := [][]float32{make([]float32, 4)}
	for _, c := range []struct {
		steps  int
		insert bool
		want   float64
		values []float64
	}{
		{4, false, 5.25, []float64{10.5, 8.5, 5.5, 1.5, 0.5}},
		{2, false, 5.5, []float64{10.5, 5.5, 0.5}},
		{4, true, 5.75, []float64{0.5, 2.5, 5.5, 9.5, 10.5}},
	} {
		spec := CurveSpec{C: 1, H: 2, W: 2, Steps: c.steps}
		curve := DeletionCurves
		if c.insert {
			curve = InsertionCurves
		}
		got, err := curve(s, qs, attr, zeros, spec)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(got[0].Value, c.values, func(a, b float64) bool { return math.Abs(a-b) < 1e-5 }) {
			t.Errorf("steps %d insert %v: curve %v, want %v", c.steps, c.insert, got[0].Value, c.values)
		}
		if a := got[0].AUC(); math.Abs(a-c.want) > 1e-5 {
			t.Errorf("steps %d insert %v: AUC %v, want %v", c.steps, c.insert, a, c.want)
		}
	}
	if _, err := DeletionCurves(s, qs, attr, zeros, CurveSpec{C: 1, H: 2, W: 2, Steps: 5}); err == nil {
		t.Error("5 steps over 4 pixels: no error")
	}
}

// TestInfidelityExactForLinear: on a linear f the gradient is an exact local
// explanation and gradient × input an exact global one from the black
// baseline, so both have infidelity 0; swapped (the gradient taken as
// global, gradient × input as local) they do not.
func TestInfidelityExactForLinear(t *testing.T) {
	s, _ := linearScorer(t, 5, 12, 3)
	qs := randomQueries(7, 12, 3, 4)
	grad, err := VanillaGradient(s, qs)
	if err != nil {
		t.Fatal(err)
	}
	gxi, err := GradientTimesInput(s, qs)
	if err != nil {
		t.Fatal(err)
	}
	black := blacks(qs)
	for _, c := range []struct {
		name  string
		attr  [][]float32
		base  [][]float32
		exact bool
	}{
		{"gradient, local", grad, nil, true},
		{"gradient x input, global from black", gxi, black, true},
		{"gradient, global", grad, black, false},
		{"gradient x input, local", gxi, nil, false},
	} {
		inf, scaled, err := Infidelity(s, qs, c.attr, c.base, 16, 0.1, rand.New(rand.NewSource(1)))
		if err != nil {
			t.Fatal(err)
		}
		worst, worstScaled := slices.Max(inf), slices.Max(scaled)
		if c.exact && (worst > 1e-9 || worstScaled > 1e-9) {
			t.Errorf("%s: infidelity %v (scaled %v), want 0", c.name, worst, worstScaled)
		}
		if !c.exact && !(worst > 1e-4) {
			t.Errorf("%s: infidelity %v, want clearly above 0", c.name, worst)
		}
	}
}

// TestMaxSensitivity: a constant explanation and the gradient of a linear
// model do not move (0); the input itself as its explanation moves by the
// perturbation, at most radius·√d / ‖x‖ relative to ‖x‖, and more than 0.
func TestMaxSensitivity(t *testing.T) {
	s, _ := linearScorer(t, 4, 10, 2)
	qs := randomQueries(3, 10, 2, 5)
	const radius = 0.05
	constant := func(q []explain.Query) ([][]float32, error) {
		out := make([][]float32, len(q))
		for i := range out {
			out[i] = slices.Repeat([]float32{0.3}, 10)
		}
		return out, nil
	}
	identity := func(q []explain.Query) ([][]float32, error) {
		out := make([][]float32, len(q))
		for i := range out {
			out[i] = slices.Clone(q[i].X)
		}
		return out, nil
	}
	gradient := func(q []explain.Query) ([][]float32, error) { return VanillaGradient(s, q) }
	for _, c := range []struct {
		name string
		f    func([]explain.Query) ([][]float32, error)
		zero bool
	}{{"constant", constant, true}, {"linear gradient", gradient, true}, {"identity", identity, false}} {
		attr, _ := c.f(qs)
		sens, err := MaxSensitivity(c.f, qs, attr, 6, radius, rand.New(rand.NewSource(2)))
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range sens {
			var norm float64
			for _, x := range qs[i].X {
				norm += float64(x * x)
			}
			bound := radius * math.Sqrt(10) / math.Sqrt(norm)
			if c.zero && v != 0 {
				t.Errorf("%s, input %d: max-sensitivity %v, want 0", c.name, i, v)
			}
			if !c.zero && !(v > 0 && v <= bound*(1+1e-6)) {
				t.Errorf("%s, input %d: max-sensitivity %v, want in (0, %v]", c.name, i, v, bound)
			}
		}
	}
}

// TestCompareBeatsRandom runs explain compare on the small trained CNN:
// the deletion AUC of the gradient methods named below lies under that of a
// random pixel ordering, and the table, plots and maps are written.
func TestCompareBeatsRandom(t *testing.T) {
	o := CompareOptions{Options: defaults(explaintest.Train(t, explaintest.ClassifierCNN), t.TempDir()),
		CurveSteps: 16, InsertionSigma: 2, InfidelitySamples: 8, InfidelityNoise: 0.1, SensitivitySamples: 2, SensitivityRadius: 0.02}
	o.Methods = []string{"gradient", "gradxinput", "ig", "deeplift", "gradcam"}
	o.Steps, o.Scale = 32, "shared"
	o.Inputs = "test:0,test:1,test:2,test:3,test:4,test:5,test:6,test:7"
	s, err := Compare(o)
	if err != nil {
		t.Fatal(err)
	}
	below := s["deletion_below_random"].([]string)
	t.Logf("random deletion AUC %.4f; below: %v; not below: %v; measures %v",
		s["random_deletion_auc"], below, s["deletion_not_below_random"], s["measures"])
	for _, m := range []string{"gradxinput", "ig", "deeplift"} {
		if !slices.Contains(below, m) {
			t.Errorf("%s: deletion AUC not below the random ordering's", m)
		}
	}
	csv, err := os.ReadFile(filepath.Join(o.Out, "compare.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(string(csv), "\n"); lines != 1+len(o.Methods)+1 {
		t.Errorf("compare.csv has %d lines, want a header, %d methods and the random ordering", lines, len(o.Methods))
	}
	for _, png := range []string{"compare.png", "compare_curves.png", "compare_maps.png"} {
		explaintest.CheckPNG(t, filepath.Join(o.Out, png), 200, 100)
	}
}
