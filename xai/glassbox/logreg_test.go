package glassbox

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// simulateLogistic draws n rows of p standard-normal-ish features (with
// different scales and a correlation) and labels from known coefficients.
func simulateLogistic(n int, beta []float64, seed uint64) (x, y []float64) {
	r := rand.New(rand.NewPCG(seed, 7))
	p := len(beta) - 1
	x = make([]float64, n*p)
	y = make([]float64, n)
	for i := 0; i < n; i++ {
		eta := beta[0]
		for j := 0; j < p; j++ {
			v := r.NormFloat64() * float64(j+1)
			if j > 0 {
				v += 0.5 * x[i*p+j-1]
			}
			x[i*p+j] = v
			eta += beta[j+1] * v
		}
		if r.Float64() < 1/(1+math.Exp(-eta)) {
			y[i] = 1
		}
	}
	return x, y
}

func TestLogRegParameterRecovery(t *testing.T) {
	truth := []float64{-0.5, 1.0, -0.4, 0.25, 0}
	x, y := simulateLogistic(20000, truth, 1)
	m, err := FitLogReg(x, y, []string{"a", "b", "c", "d"}, nil, LogRegOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Coefs) != len(truth) {
		t.Fatalf("got %d coefficients, want %d", len(m.Coefs), len(truth))
	}
	for j, c := range m.Coefs {
		if d := math.Abs(c.Coef-truth[j]) / c.SE; d > 3 {
			t.Errorf("%s: estimate %.4f is %.1f standard errors (%.4f) from the truth %.4f", c.Feature, c.Coef, d, c.SE, truth[j])
		}
		if c.CILow > c.OddsRatio || c.CIHigh < c.OddsRatio {
			t.Errorf("%s: odds ratio %.4f outside its interval [%.4f, %.4f]", c.Feature, c.OddsRatio, c.CILow, c.CIHigh)
		}
	}
	if m.Coefs[0].Feature != "intercept" || m.Coefs[1].Feature != "a" {
		t.Errorf("table order: %q, %q", m.Coefs[0].Feature, m.Coefs[1].Feature)
	}
	// The strong features are significant, the null one is not.
	if m.Coefs[1].P > 1e-10 || m.Coefs[4].P < 1e-4 {
		t.Errorf("p-values: a=%.3g (want tiny), d=%.3g (want not tiny)", m.Coefs[1].P, m.Coefs[4].P)
	}
	if m.LRDF != 4 || m.LRStat <= 0 || m.LRP > 1e-10 {
		t.Errorf("LR test: stat %.2f df %d p %.3g", m.LRStat, m.LRDF, m.LRP)
	}
	if m.PseudoR2 <= 0 || m.PseudoR2 >= 1 {
		t.Errorf("McFadden R² %.4f out of (0,1)", m.PseudoR2)
	}
	// At the MLE the score is zero: moving one coefficient lowers the log-likelihood.
	acc, ll, err := m.Score(x, y)
	if err != nil || math.Abs(ll-m.LogLik) > 1e-6*math.Abs(ll) || acc < 0.6 {
		t.Errorf("Score: acc %.3f ll %.6f (model %.6f) err %v", acc, ll, m.LogLik, err)
	}
}

func TestLogRegStandardizeRescales(t *testing.T) {
	truth := []float64{0.3, 0.8, -0.3}
	x, y := simulateLogistic(3000, truth, 2)
	raw, err := FitLogReg(x, y, []string{"a", "b"}, nil, LogRegOptions{})
	if err != nil {
		t.Fatal(err)
	}
	std, err := FitLogReg(x, y, []string{"a", "b"}, nil, LogRegOptions{Standardize: true})
	if err != nil {
		t.Fatal(err)
	}
	for j := 1; j <= 2; j++ {
		want := raw.Coefs[j].Coef * std.SDs[j-1]
		if math.Abs(std.Coefs[j].Coef-want) > 1e-7*math.Abs(want) {
			t.Errorf("standardized coef %d: %.8f, want raw×sd %.8f", j, std.Coefs[j].Coef, want)
		}
		if math.Abs(std.Coefs[j].Z-raw.Coefs[j].Z) > 1e-6 {
			t.Errorf("z changed under standardization: %.6f vs %.6f", std.Coefs[j].Z, raw.Coefs[j].Z)
		}
	}
	if math.Abs(std.LogLik-raw.LogLik) > 1e-8 {
		t.Errorf("log-likelihood differs: %.9f vs %.9f", std.LogLik, raw.LogLik)
	}
	if !strings.Contains(std.Scale(), "standard-deviation") {
		t.Errorf("scale text %q does not mention standard deviation", std.Scale())
	}
}

// fitSeparated fits an unpenalized logistic regression that must stop with
// a *SeparationError, and returns it.
func fitSeparated(t *testing.T, x, y []float64, features ...string) *SeparationError {
	t.Helper()
	_, err := FitLogReg(x, y, features, nil, LogRegOptions{})
	var se *SeparationError
	if !errors.As(err, &se) {
		t.Fatalf("want a SeparationError, got %v", err)
	}
	return se
}

// twoColumns draws n rows of two features with row (seeded with seed), which
// fills the row and returns its 0/1 label.
func twoColumns(seed uint64, n int, row func(r *rand.Rand, i int, row []float64) float64) (x, y []float64) {
	r := rand.New(rand.NewPCG(seed, seed))
	x, y = make([]float64, 2*n), make([]float64, n)
	for i := range n {
		y[i] = row(r, i, x[2*i:2*i+2])
	}
	return x, y
}

func TestLogRegSeparationSingleFeature(t *testing.T) {
	// "s" separates perfectly; "n" is noise.
	x, y := twoColumns(3, 200, func(r *rand.Rand, i int, row []float64) float64 {
		row[0] = r.NormFloat64()
		if i%2 == 0 {
			row[1] = 1 + r.Float64()
			return 1
		}
		row[1] = -r.Float64()
		return 0
	})
	se := fitSeparated(t, x, y, "n", "s")
	if se.Kind != "complete" || len(se.Features) != 1 || se.Features[0] != "s" {
		t.Errorf("kind %q features %v, want complete on s", se.Kind, se.Features)
	}
	if !strings.Contains(se.Error(), "--l2") {
		t.Errorf("message does not suggest the L2 penalty: %v", se)
	}
	// With a penalty the fit proceeds and warns.
	m, err := FitLogReg(x, y, []string{"n", "s"}, nil, LogRegOptions{L2: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Separation) == 0 || len(m.Warnings) < 2 {
		t.Errorf("penalized fit: separation %v warnings %v", m.Separation, m.Warnings)
	}
	if math.IsInf(m.Coefs[2].Coef, 0) || m.Coefs[2].Coef <= 0 {
		t.Errorf("penalized coefficient of s: %v", m.Coefs[2].Coef)
	}
}

func TestLogRegQuasiSeparationBinaryFeature(t *testing.T) {
	// A binary feature that is 1 only in class 1 rows: quasi-complete.
	x, y := twoColumns(4, 300, func(r *rand.Rand, _ int, row []float64) float64 {
		row[0] = r.NormFloat64()
		if r.Float64() < 1/(1+math.Exp(-row[0])) {
			if r.Float64() < 0.2 {
				row[1] = 1
			}
			return 1
		}
		return 0
	})
	if se := fitSeparated(t, x, y, "age", "marker"); se.Kind != "quasi-complete" || se.Features[0] != "marker" {
		t.Fatalf("want quasi-complete separation on marker, got %v", se)
	}
}

func TestLogRegSeparationTwoFeatures(t *testing.T) {
	// Separable only by a combination: y = 1 iff a + b > 0; neither alone splits.
	r := rand.New(rand.NewPCG(5, 5))
	n := 400
	x := make([]float64, 3*n)
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		a, b := r.NormFloat64(), r.NormFloat64()
		x[3*i], x[3*i+1], x[3*i+2] = a, b, r.NormFloat64()
		if a+b > 0.2 {
			y[i] = 1
		} else if a+b > -0.2 { // a margin keeps the split clean
			x[3*i+1] = b - 0.5
		}
	}
	se := fitSeparated(t, x, y, "a", "b", "noise")
	if len(se.ByFeature) != 0 {
		t.Errorf("no single feature separates, yet ByFeature = %v", se.ByFeature)
	}
	has := map[string]bool{}
	for _, f := range se.Features {
		has[f] = true
	}
	if !has["a"] || !has["b"] || has["noise"] {
		t.Errorf("features named %v, want a and b (not noise)", se.Features)
	}
}

func TestLogRegMultinomial(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	n := 6000
	// class scores relative to class 0
	b1 := []float64{0.5, 1.0, -0.5}
	b2 := []float64{-0.3, -0.8, 0.7}
	x := make([]float64, 2*n)
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		u, v := r.NormFloat64(), r.NormFloat64()
		x[2*i], x[2*i+1] = u, v
		e1 := math.Exp(b1[0] + b1[1]*u + b1[2]*v)
		e2 := math.Exp(b2[0] + b2[1]*u + b2[2]*v)
		s := 1 + e1 + e2
		q := r.Float64()
		switch {
		case q < 1/s:
			y[i] = 0
		case q < (1+e1)/s:
			y[i] = 1
		default:
			y[i] = 2
		}
	}
	m, err := FitLogReg(x, y, []string{"u", "v"}, []string{"ref", "one", "two"}, LogRegOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !m.Multinomial() || len(m.Coefs) != 6 || m.LRDF != 4 {
		t.Fatalf("multinomial table: %d rows, df %d", len(m.Coefs), m.LRDF)
	}
	truth := append(append([]float64{}, b1...), b2...)
	for i, c := range m.Coefs {
		if d := math.Abs(c.Coef-truth[i]) / c.SE; d > 3.5 {
			t.Errorf("%s: %.4f vs truth %.4f (%.1f SE)", c.Label(true, "ref"), c.Coef, truth[i], d)
		}
	}
	if got := m.Coefs[4].Label(true, "ref"); got != "u [two vs ref]" {
		t.Errorf("label %q", got)
	}
}

func TestLogRegRejectsBadInput(t *testing.T) {
	x := []float64{1, 2, 1, 3, 1, 4, 1, 5}
	y := []float64{0, 1, 0, 1}
	if _, err := FitLogReg(x, y, []string{"const", "v"}, nil, LogRegOptions{}); err == nil || !strings.Contains(err.Error(), "const") {
		t.Errorf("constant feature: %v", err)
	}
	if _, err := FitLogReg(x, []float64{0, 1, 0.5, 1}, []string{"a", "b"}, nil, LogRegOptions{}); err == nil {
		t.Error("fractional label accepted")
	}
	if _, err := FitLogReg([]float64{1, math.NaN()}, []float64{0, 1}, []string{"a"}, nil, LogRegOptions{}); err == nil {
		t.Error("NaN accepted")
	}
	if _, err := FitLogReg(x, y, []string{"a", "b"}, nil, LogRegOptions{L2: -1}); err == nil {
		t.Error("negative L2 accepted")
	}
}
