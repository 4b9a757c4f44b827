package counterfactual

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"genxai/xai/explain/explaintest"
	"genxai/xai/progress"
)

func options(clf, vae, out string) Options {
	return Options{Run: clf, VAE: vae, Out: out, Target: 3, N: 100, Steps: 300, LR: 0.05, Lambda: 0.01,
		Confidence: 0.5, Show: 12, Executor: "tape"}
}

func TestCounterfactualSuccessRate(t *testing.T) {
	clf := explaintest.Train(t, explaintest.ClassifierMLP)
	vae := explaintest.Train(t, explaintest.DigitsVAE(8, 15))
	out := t.TempDir()
	var log strings.Builder
	o := options(clf, vae, out)
	o.Progress = progress.Unthrottled(&log, "counterfactual")
	s, err := Run(o)
	if err != nil {
		t.Fatal(err)
	}
	// The search reports every step until all images succeed.
	if lines := strings.Count(log.String(), "\n"); lines < 2 || !strings.Contains(log.String(), "counterfactual: 1/301 steps") ||
		!strings.Contains(log.String(), "images reached class 3") {
		t.Errorf("%d progress lines:\n%.300s", lines, log.String())
	}
	explaintest.CheckPNG(t, filepath.Join(out, "counterfactuals.png"), 4*112, 12*112)
	if s["images"].(int) != 100 {
		t.Fatalf("%v images, want 100", s["images"])
	}
	rate := s["success_rate"].(float64)
	if rate < 0.9 {
		t.Errorf("success rate %.2f on 100 test images, want ≥ 0.9", rate)
	}
	zd, pd := s["mean_latent_distance"].(float64), s["mean_pixel_distance"].(float64)
	if !(zd > 0) || !(pd > 0) {
		t.Errorf("mean distances %v (latent) and %v (pixels), want > 0", zd, pd)
	}
	t.Logf("success %.2f, latent distance %.3f, pixel distance %.3f, mean steps %.1f", rate, zd, pd, s["mean_steps"])
}

func TestCounterfactualRejectsMismatch(t *testing.T) {
	clf := explaintest.Train(t, explaintest.ClassifierMLP)
	vae := explaintest.Train(t, explaintest.DigitsVAE(8, 15))
	cases := []func(*Options){
		func(o *Options) { o.Target = 10 },
		func(o *Options) { o.VAE = "" },
		func(o *Options) { o.VAE = clf }, // not a VAE
		func(o *Options) { o.Run = vae }, // not a classifier
		func(o *Options) { o.Confidence = 1 },
	}
	for i, f := range cases {
		o := options(clf, vae, t.TempDir())
		f(&o)
		if _, err := Run(o); err == nil {
			t.Errorf("case %d: no error", i)
		}
	}
}

// TestNoSuccessWritesNull: when no image reaches the target class, the mean
// distances are null, so summary.json (which cannot hold NaN) is still written.
func TestNoSuccessWritesNull(t *testing.T) {
	b, err := json.Marshal(map[string]any{"mean_latent_distance": meanOrNil(0, 0), "mean_pixel_distance": meanOrNil(3, 2)})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b); got != `{"mean_latent_distance":null,"mean_pixel_distance":1.5}` {
		t.Errorf("summary fields encode as %s", got)
	}
}
