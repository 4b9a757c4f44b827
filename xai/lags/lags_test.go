package lags

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"genxai/data"
	"genxai/xai/explain/explaintest"
	"genxai/xai/timeseries"
)

const forecasterTiny = `
model: {kind: forecaster, window: 10, hidden: [8]}
seed: 2
device: cpu
data: {path: "builtin:sunspots"}
train: {epochs: 6, batch_size: 16, lr: 1.0e-2}
`

// forecasterTCN is forecasterTiny with the causal convolution body (its
// receptive field, 1 + 2·2·(1+2) = 13, covers the window of 12). Its
// activation is tanh: with relu the midpoint rule's completeness gap shrinks
// only as 1/steps across the kinks (0.61, 0.11, 0.024 at 128, 512, 2048
// steps on this model), too slowly for the bound at 128.
const forecasterTCN = `
model: {kind: forecaster, arch: tcn, window: 12, channels: 6, kernel: 3, dilations: [1, 2], activation: tanh}
seed: 2
device: cpu
data: {path: "builtin:sunspots"}
train: {epochs: 6, batch_size: 16, lr: 1.0e-2}
`

// checkLagSummary checks the summary of explain lags on a forecaster of the
// given window over the 62-year test segment: no causality violation,
// exact AR attributions, complete network attributions, one row of window
// lags per forecast and plausible test errors. It returns the attributions.
func checkLagSummary(t *testing.T, s map[string]any, window int) [][]float64 {
	t.Helper()
	if v := s["causality_violations"].(int); v != 0 {
		t.Errorf("%d forecasts or attributions changed when the values at and after their time became NaN", v)
	}
	if e := s["ar_ig_error"].(float64); e > 1e-9 {
		t.Errorf("integrated gradients on AR(p) differ from φ_k (y − mean) by %v", e)
	}
	if e := s["ig_completeness_error"].(float64); !(e < 0.05) {
		t.Errorf("completeness error %v (series units), want below 0.05 at 128 steps", e)
	}
	attr := s["attribution"].([][]float64)
	n := s["forecasts"].(int)
	if len(attr) != n || n != 62-window || len(attr[0]) != window {
		t.Fatalf("%d attribution rows of %d lags for %d forecasts, want %d rows of %d", len(attr), len(attr[0]), n, 62-window, window)
	}
	for _, key := range []string{"test_rmse", "ar_test_rmse", "persistence_test_rmse"} {
		if v := s[key].(float64); !(v > 5 && v < 60) {
			t.Errorf("%s = %v, not a plausible one-step error on sunspot numbers", key, v)
		}
	}
	return attr
}

// explain lags on a causal convolution forecaster, on the plan executor:
// causal, complete, with an attribution for every lag of the window.
func TestLagsTCN(t *testing.T) {
	run := explaintest.Train(t, forecasterTCN)
	s, err := Run(Options{Run: run, Out: t.TempDir(), Steps: 128, Executor: "plan"})
	if err != nil {
		t.Fatal(err)
	}
	checkLagSummary(t, s, 12)
}

// On AR(p), a linear model, integrated gradients from the mean give exactly
// the linear attribution φ_k (y_{t−k} − mean), at any number of steps.
func TestIntegratedGradientsOnARIsExact(t *testing.T) {
	s, err := data.ReadSeries(data.BuiltinSunspots, data.SeriesOptions{Time: "YEAR"})
	if err != nil {
		t.Fatal(err)
	}
	y := s.Values[0]
	m, err := timeseries.Fit(y[:250], 9, -1)
	if err != nil {
		t.Fatal(err)
	}
	var mean float64
	for _, v := range y[:250] {
		mean += v / 250
	}
	base := make([]float64, 9)
	for k := range base {
		base[k] = mean
	}
	for _, steps := range []int{1, 7, 64} {
		for _, tt := range []int{260, 283, 308} {
			x := lagValues(y, tt, 9)
			ig, err := IntegratedGradients(arGradient(m), x, base, steps)
			if err != nil {
				t.Fatal(err)
			}
			for k := 1; k <= 9; k++ {
				want := m.Params[k] * (y[tt-k] - mean)
				if d := math.Abs(ig.Attr[k-1] - want); d > 1e-9*(1+math.Abs(want)) {
					t.Errorf("steps %d, t %d, lag %d: IG %v, exact %v", steps, tt, k, ig.Attr[k-1], want)
				}
			}
			if e := ig.CompletenessError(); e > 1e-9 {
				t.Errorf("steps %d, t %d: completeness error %v on a linear model", steps, tt, e)
			}
		}
	}
	if _, err := IntegratedGradients(arGradient(m), base, base[:3], 4); err == nil {
		t.Error("an input and a baseline of different lengths gave no error")
	}
}

// On a nonlinear function the midpoint rule converges: the completeness gap
// of f(x) = Σ sin(x_k) shrinks with the steps, and vanishes in the limit.
func TestIntegratedGradientsCompleteness(t *testing.T) {
	f := func(points [][]float64) ([]float64, [][]float64, error) {
		vals, grads := make([]float64, len(points)), make([][]float64, len(points))
		for i, x := range points {
			grads[i] = make([]float64, len(x))
			for k, v := range x {
				vals[i] += math.Sin(v)
				grads[i][k] = math.Cos(v)
			}
		}
		return vals, grads, nil
	}
	x, b := []float64{1, -2, 3}, []float64{0, 0.5, -1}
	coarse, _ := IntegratedGradients(f, x, b, 4)
	fine, _ := IntegratedGradients(f, x, b, 256)
	if !(fine.CompletenessError() < 1e-4) || !(fine.CompletenessError() < coarse.CompletenessError()/100) {
		t.Errorf("completeness error %v at 4 steps, %v at 256", coarse.CompletenessError(), fine.CompletenessError())
	}
}

// explain lags on a trained forecaster: both models' test errors, lag
// attributions that are complete, causal and exact for AR(p), and the files.
func TestLags(t *testing.T) {
	run := explaintest.Train(t, forecasterTiny)
	out := t.TempDir()
	s, err := Run(Options{Run: run, Out: out, Steps: 128, Executor: "tape"})
	if err != nil {
		t.Fatal(err)
	}
	attr := checkLagSummary(t, s, 10)
	table, err := os.ReadFile(filepath.Join(out, "comparison.csv"))
	if err != nil || !strings.Contains(string(table), "neural forecaster") || !strings.Contains(string(table), "AR(") {
		t.Errorf("comparison.csv: %v\n%s", err, table)
	}
	explaintest.CheckPNG(t, filepath.Join(out, "lags.png"), 200, 200)
	explaintest.CheckPNG(t, filepath.Join(out, "lags_ar.png"), 200, 200)

	// --input picks forecasts; the rows are the same as in the full run.
	some, err := Run(Options{Run: run, Out: t.TempDir(), Inputs: "test:3,5", Steps: 128, Executor: "tape"})
	if err != nil {
		t.Fatal(err)
	}
	rows := some["attribution"].([][]float64)
	if len(rows) != 2 || rows[0][0] != attr[3][0] || rows[1][9] != attr[5][9] {
		t.Errorf("--input test:3,5 gave %d rows, want rows 3 and 5 of the full run", len(rows))
	}
	for _, bad := range []string{"train:0", "test:52", "x"} {
		if _, err := Run(Options{Run: run, Out: t.TempDir(), Inputs: bad, Steps: 8, Executor: "tape"}); err == nil {
			t.Errorf("--input %s: no error", bad)
		}
	}
}
