package timeseries

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"genxai/data"
)

// reference is testdata/ar_sunspots.json, written by scripts/ar_reference.py
// from statsmodels' AutoReg.
type reference struct {
	Horizon      int
	Alpha        float64
	MaxLag       int `json:"maxlag"`
	Fits         []refFit
	CommonSample []refFit `json:"common_sample"`
	Selected     []struct {
		MaxLag int `json:"maxlag"`
		IC     string
		Lags   int
	}
}

type refFit struct {
	Lags, Nobs                          int
	HoldBack                            int `json:"hold_back"`
	Params, SE                          []float64
	Sigma2, LLF, AIC, BIC               float64
	Forecast, ForecastVar, Lower, Upper []float64
}

func (r *refFit) UnmarshalJSON(b []byte) error {
	type plain refFit
	var aux struct {
		plain
		ForecastVar []float64 `json:"forecast_var"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*r = refFit(aux.plain)
	r.ForecastVar = aux.ForecastVar
	return nil
}

func loadSunspots(t *testing.T) ([]float64, reference) {
	t.Helper()
	s, err := data.ReadSeries(data.BuiltinSunspots, data.SeriesOptions{Time: "YEAR"})
	if err != nil {
		t.Fatal(err)
	}
	y, err := s.Column("SUNACTIVITY")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("testdata/ar_sunspots.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Fits) == 0 || len(ref.Selected) == 0 {
		t.Fatal("reference fixture has no fits or selections")
	}
	return y, ref
}

// close reports whether got is within tol of want, relative to |want|
// (absolute below 1).
func close(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func checkAll(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, statsmodels has %d", what, len(got), len(want))
	}
	for i := range want {
		if !close(got[i], want[i], tol) {
			t.Errorf("%s[%d] = %.12g, statsmodels %.12g", what, i, got[i], want[i])
		}
	}
}

func checkFit(t *testing.T, name string, m *AR, r refFit) {
	t.Helper()
	if m.Nobs != r.Nobs {
		t.Fatalf("%s: nobs %d, statsmodels %d", name, m.Nobs, r.Nobs)
	}
	checkAll(t, name+" params", m.Params, r.Params, 1e-6)
	checkAll(t, name+" se", m.SE, r.SE, 1e-6)
	checkAll(t, name+" sigma2/llf/aic/bic", []float64{m.Sigma2, m.LLF, m.AIC, m.BIC}, []float64{r.Sigma2, r.LLF, r.AIC, r.BIC}, 1e-9)
}

func TestARMatchesAutoReg(t *testing.T) {
	y, ref := loadSunspots(t)
	for _, r := range ref.Fits {
		m, err := Fit(y, r.Lags, -1)
		if err != nil {
			t.Fatal(err)
		}
		checkFit(t, "AR", m, r)
		f := m.Forecast(y, ref.Horizon, ref.Alpha)
		checkAll(t, "forecast", f.Mean, r.Forecast, 1e-6)
		checkAll(t, "forecast variance", f.Var, r.ForecastVar, 1e-6)
		checkAll(t, "lower", f.Lower, r.Lower, 1e-6)
		checkAll(t, "upper", f.Upper, r.Upper, 1e-6)
	}
	for _, r := range ref.CommonSample {
		m, err := Fit(y, r.Lags, r.HoldBack)
		if err != nil {
			t.Fatal(err)
		}
		checkFit(t, "AR on the common sample", m, r)
	}
}

func TestSelectOrderMatchesARSelectOrder(t *testing.T) {
	y, ref := loadSunspots(t)
	for _, s := range ref.Selected {
		p, scores, err := SelectOrder(y, s.MaxLag, s.IC)
		if err != nil {
			t.Fatal(err)
		}
		if p != s.Lags || len(scores) != s.MaxLag+1 || !scores[p].Selected {
			t.Errorf("maxlag %d by %s: chose %d, ar_select_order %d", s.MaxLag, s.IC, p, s.Lags)
		}
	}
	// The criteria on the common sample are AutoReg's with hold_back = maxlag.
	_, scores, err := SelectOrder(y, ref.MaxLag, AIC)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range ref.CommonSample {
		if !close(scores[r.Lags].AIC, r.AIC, 1e-9) || !close(scores[r.Lags].BIC, r.BIC, 1e-9) {
			t.Errorf("order %d: AIC %v BIC %v, AutoReg %v %v", r.Lags, scores[r.Lags].AIC, scores[r.Lags].BIC, r.AIC, r.BIC)
		}
	}
}

func TestLagContributionsSumToForecast(t *testing.T) {
	y, _ := loadSunspots(t)
	m, err := Fit(y, 9, -1)
	if err != nil {
		t.Fatal(err)
	}
	f := m.Forecast(y, 12, 0.05)
	c := m.LagContributions(y, f.Mean)
	for j, row := range c {
		s := 0.0
		for _, v := range row {
			s += v
		}
		// The forecast is computed as constant + this very sum.
		if f.Mean[j] != m.Params[0]+s {
			t.Errorf("forecast %d = %v, constant + lag contributions = %v", j, f.Mean[j], m.Params[0]+s)
		}
		if d := f.Mean[j] - m.Params[0] - s; math.Abs(d) > 1e-12*math.Abs(f.Mean[j]) {
			t.Errorf("forecast %d − constant differs from the contributions' sum by %g", j, d)
		}
	}
	if c[0][0] != m.Params[1]*y[len(y)-1] || c[1][0] != m.Params[1]*f.Mean[0] {
		t.Error("lag 1 of the first two forecasts is not φ_1 times the last value and the first forecast")
	}
}

func TestFitErrors(t *testing.T) {
	if _, err := Fit([]float64{1, 2, 3}, 2, -1); err == nil {
		t.Error("AR(2) on 3 values: no error")
	}
	if _, err := Fit([]float64{1, 1, 1, 1, 1, 1}, 1, -1); err == nil {
		t.Error("AR(1) on a constant series: no error")
	}
	if _, _, err := SelectOrder([]float64{1, 2, 3, 4}, 3, "hqic"); err == nil {
		t.Error("unknown criterion: no error")
	}
}
