package featviz

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"genxai/xai/explain/explaintest"
	"genxai/xai/progress"
)

func params() Params {
	return Params{Steps: 200, LR: 0.05, L2: 0.001, TV: 0.02, Jitter: 1, BlurEvery: 25, BlurSigma: 0.5, Seed: 1}
}

func TestFeatvizBeatsTrainingImages(t *testing.T) {
	run := explaintest.Train(t, explaintest.ClassifierCNN)
	out := t.TempDir()
	var log strings.Builder
	s, err := Run(Options{Run: run, Out: out, Compare: 1000, Params: params(), Executor: "tape", Progress: progress.Unthrottled(&log, "featviz")})
	if err != nil {
		t.Fatal(err)
	}
	// One progress line per step, each saying how far it is.
	if lines := strings.Count(log.String(), "\n"); lines < params().Steps || !strings.Contains(log.String(), "featviz: 200/200 steps") {
		t.Errorf("%d progress lines for %d steps:\n%.300s", lines, params().Steps, log.String())
	}
	explaintest.CheckPNG(t, filepath.Join(out, "featviz.png"), 2*112, 10*112)
	if s["compared_images"].(int) != 1000 {
		t.Fatalf("compared with %v images, want 1000", s["compared_images"])
	}
	for _, r := range s["targets"].([]map[string]any) {
		if !r["beats_all"].(bool) {
			t.Errorf("%s: visualization reaches %.3f, a training image %.3f", r["name"], r["value"], r["best_training_value"])
		}
	}
}

func TestFeatvizUnits(t *testing.T) {
	run := explaintest.Train(t, explaintest.ClassifierCNN)
	out := t.TempDir()
	s, err := Run(Options{Run: run, Out: out, Units: "0,5,31", Compare: 100, Params: params(), Executor: "tape"})
	if err != nil {
		t.Fatal(err)
	}
	explaintest.CheckPNG(t, filepath.Join(out, "featviz.png"), 2*112, 3*112)
	if len(s["targets"].([]map[string]any)) != 3 {
		t.Errorf("want 3 targets")
	}
	if _, err := Run(Options{Run: run, Out: t.TempDir(), Units: "32", Compare: 10, Params: params()}); err == nil {
		t.Error("unit 32 of a 32-unit layer: no error")
	}
}

func TestTVGradientMatchesFiniteDifferences(t *testing.T) {
	x := []float32{0.1, 0.5, 0.2, 0.9, 0.3, 0.7, 0.4, 0.8, 0.6}
	tv := func(x []float32) float64 {
		var s float64
		for y := 0; y < 3; y++ {
			for xx := 0; xx < 3; xx++ {
				i := y*3 + xx
				var gx, gy float64
				if xx+1 < 3 {
					gx = float64(x[i+1] - x[i])
				}
				if y+1 < 3 {
					gy = float64(x[i+3] - x[i])
				}
				s += math.Sqrt(gx*gx + gy*gy + 1e-4)
			}
		}
		return s
	}
	g := tvGrad(x, 1, 3, 3)
	for i := range x {
		const h = 1e-3
		xp := append([]float32(nil), x...)
		xm := append([]float32(nil), x...)
		xp[i] += h
		xm[i] -= h
		fd := (tv(xp) - tv(xm)) / (2 * h)
		if math.Abs(fd-g[i]) > 1e-2 {
			t.Errorf("pixel %d: analytic %v, finite difference %v", i, g[i], fd)
		}
	}
}

func TestRollInverts(t *testing.T) {
	x := make([]float32, 2*3*4)
	for i := range x {
		x[i] = float32(i)
	}
	back := roll(roll(x, 2, 3, 4, 1, -2), 2, 3, 4, -1, 2)
	for i := range x {
		if back[i] != x[i] {
			t.Fatalf("roll then unroll changed value %d", i)
		}
	}
}
