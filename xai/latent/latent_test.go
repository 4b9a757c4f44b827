package latent

import (
	"math"
	"path/filepath"
	"testing"

	"genxai/xai/explain/explaintest"
)

func TestViews(t *testing.T) {
	run := explaintest.Train(t, explaintest.DigitsVAE(4, 12, 9))
	out := t.TempDir()
	s, err := Views(ViewOptions{Run: run, Out: out, Inputs: "test:3,test:17", Steps: 7, Range: 3, Interp: 8, Executor: "tape"})
	if err != nil {
		t.Fatal(err)
	}
	// 4 rows of 7 tiles of 8×8 at scale 8, plus labels, title, headings.
	explaintest.CheckPNG(t, filepath.Join(out, "traversal.png"), 7*112, 4*112)
	explaintest.CheckPNG(t, filepath.Join(out, "interpolation.png"), 10*112, 112)
	act := s["activity_per_dim"].([]float64)
	if len(act) != 4 {
		t.Fatalf("activity has %d dimensions, want 4", len(act))
	}
	if s["active_dims"].(int) < 1 {
		t.Errorf("no active latent dimension after training: activity %v", act)
	}
	if d := s["interpolation_latent_distance"].(float64); !(d > 0) {
		t.Errorf("interpolation endpoints are %v apart, want > 0", d)
	}
}

func TestViewsRejectsBadInput(t *testing.T) {
	run := explaintest.Train(t, explaintest.DigitsVAE(4, 12, 9))
	for _, in := range []string{"test:99999", "val:3", "test:x"} {
		if _, err := Views(ViewOptions{Run: run, Out: t.TempDir(), Inputs: in, Steps: 7, Range: 3, Interp: 8}); err == nil {
			t.Errorf("--input %q: no error", in)
		}
	}
}

func TestAnomaly(t *testing.T) {
	run := explaintest.Train(t, explaintest.DigitsVAE(4, 12, 9))
	for _, samples := range []int{1, 8} {
		out := t.TempDir()
		s, err := Anomaly(AnomalyOptions{Run: run, Out: out, Samples: samples, Seed: 1, Executor: "tape"})
		if err != nil {
			t.Fatal(err)
		}
		explaintest.CheckPNG(t, filepath.Join(out, "anomaly_maps.png"), 3*112, 16*112)
		explaintest.CheckPNG(t, filepath.Join(out, "roc.png"), 200, 200)
		auc := s["roc_auc"].(float64)
		// Nines are not wildly unlike the other digits, but a VAE that never
		// saw one reconstructs them worse than chance would suggest.
		if !(auc > 0.6) || auc > 1 {
			t.Errorf("samples %d: ROC-AUC of the held-out digit 9 = %v, want in (0.6, 1]", samples, auc)
		}
		t.Logf("samples %d: ROC-AUC %.4f", samples, auc)
	}
}

func TestScoreImportanceWeightedIsTighter(t *testing.T) {
	run := explaintest.Train(t, explaintest.DigitsVAE(4, 12, 9))
	r, err := openForTest(run)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, test, _ := r.run.Images()
	xs := make([][]float32, 200)
	for i := range xs {
		xs[i] = test.Image(i)
	}
	elbo, err := r.m.Score(xs, 1, 5)
	if err != nil {
		t.Fatal(err)
	}
	iw, err := r.m.Score(xs, 64, 5)
	if err != nil {
		t.Fatal(err)
	}
	// IWAE bound ≥ ELBO in expectation, so the mean score must drop.
	var a, b float64
	for i := range xs {
		a += elbo[i]
		b += iw[i]
	}
	if !(b < a) {
		t.Errorf("mean importance-weighted score %.3f is not below the mean negative ELBO %.3f", b/200, a/200)
	}
}

func TestROCAUC(t *testing.T) {
	cases := []struct {
		s    []float64
		p    []bool
		want float64
	}{
		{[]float64{1, 2, 3, 4}, []bool{false, false, true, true}, 1},
		{[]float64{1, 2, 3, 4}, []bool{true, true, false, false}, 0},
		{[]float64{1, 1, 1, 1}, []bool{true, false, true, false}, 0.5},
		{[]float64{0.1, 0.4, 0.35, 0.8}, []bool{false, false, true, true}, 0.75}, // scikit-learn's roc_auc_score example
	}
	for _, c := range cases {
		if got := ROCAUC(c.s, c.p); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("ROCAUC(%v, %v) = %v, want %v", c.s, c.p, got, c.want)
		}
	}
	if !math.IsNaN(ROCAUC([]float64{1, 2}, []bool{true, true})) {
		t.Error("ROCAUC with no negatives is not NaN")
	}
	fpr, tpr := ROCCurve([]float64{0.1, 0.4, 0.35, 0.8}, []bool{false, false, true, true})
	if fpr[len(fpr)-1] != 1 || tpr[len(tpr)-1] != 1 || fpr[0] != 0 || tpr[0] != 0 {
		t.Errorf("ROC curve does not run from (0,0) to (1,1): %v %v", fpr, tpr)
	}
}
