package lags

import (
	"context"
	"fmt"
	"math"
	"slices"

	"genxai/engine"
	"genxai/models"
	"genxai/nets"
	"genxai/xai/explain"
	"genxai/xai/timeseries"
)

// Options are the settings of `genxai explain lags`.
type Options struct {
	Run      string // forecaster run directory
	Out      string // output directory
	Inputs   string // test forecasts to explain, 0-based in time order ("0,5" or "test:0,test:5"); empty: all
	Steps    int    // integrated-gradients steps
	Executor string
}

// Flags returns the options as config.yaml settings.
func (o Options) Flags() map[string]any {
	return map[string]any{"run": o.Run, "input": o.Inputs, "steps": o.Steps, "executor": o.Executor}
}

// Explanation is the result for a forecaster run: the forecasts of both
// models on the test segment, and the lag attributions of those explained.
type Explanation struct {
	Split *models.SeriesSplit
	// Times are the test segment's forecast times (indices into Split.Y):
	// every time with model.window earlier values inside the test segment.
	Times []int
	// Forecast, ARForecast and Persistence are the one-step forecasts of
	// the network, of AR(p) and of the last value, at Times.
	Forecast, ARForecast, Persistence []float64
	AR                                *timeseries.AR // fitted on the training segment, p by AIC
	// Explained indexes Times; Attr[i][k−1] is the network's attribution
	// of forecast Explained[i] to lag k, y at Times[Explained[i]]−k, and
	// ARAttr[i][k−1] AR(p)'s exact φ_k (y_{t−k} − mean) (k ≤ p).
	Explained    []int
	Attr, ARAttr [][]float64
	AtMean       float64 // the network's forecast when every lag is the training mean (the baseline)
	// Completeness is the largest |Σ_k Attr − (forecast − AtMean)|.
	Completeness float64
	// ARIGError is the largest |IG − φ_k (y_{t−k} − mean)| when integrated
	// gradients explain AR(p): the method checked on a linear model.
	ARIGError float64
	// CausalityViolations counts the forecasts (of either model, every test
	// time) and attributions (explained times) that change at all when every
	// value at or after the forecast time is replaced by NaN: 0 when nothing
	// at or after a forecast's own time reaches it.
	CausalityViolations int
}

// lagValues returns y_{t−1} … y_{t−p}: element k−1 is lag k.
func lagValues(y []float64, t, p int) []float64 {
	x := make([]float64, p)
	for k := 1; k <= p; k++ {
		x[k-1] = y[t-k]
	}
	return x
}

// poisoned returns a copy of y with every value at or after t set to NaN.
func poisoned(y []float64, t int) []float64 {
	z := slices.Clone(y)
	for s := t; s < len(z); s++ {
		z[s] = math.NaN()
	}
	return z
}

// networkGradient is the forecast of the network, on the original scale, as
// a function of its lag values (original scale, element k−1 lag k), with
// its gradient: the scorer's rows are the standardized windows, as
// models.SeriesSplit.WindowAt writes them.
func networkGradient(sc *explain.Scorer, sp *models.SeriesSplit) Gradient {
	p := sp.Window
	return func(points [][]float64) ([]float64, [][]float64, error) {
		qs := make([]explain.Query, len(points))
		for i, x := range points {
			row := make([]float32, p)
			for k := 1; k <= p; k++ {
				row[p-k] = float32(sp.Standardize(x[k-1]))
			}
			qs[i] = explain.Query{X: row}
		}
		res, err := sc.Eval(qs)
		if err != nil {
			return nil, nil, err
		}
		vals, grads := make([]float64, len(points)), make([][]float64, len(points))
		for i := range points {
			vals[i] = sp.Original(res.Score[i])
			// f = Mean + Std·net((x − Mean)/Std): ∂f/∂x_k = ∂net/∂(column of lag k).
			grads[i] = make([]float64, p)
			for k := 1; k <= p; k++ {
				grads[i][k-1] = float64(res.Grad[i][p-k])
			}
		}
		return vals, grads, nil
	}
}

// arGradient is AR(p)'s forecast c + Σ φ_k x_k and its constant gradient.
func arGradient(m *timeseries.AR) Gradient {
	return func(points [][]float64) ([]float64, [][]float64, error) {
		vals, grads := make([]float64, len(points)), make([][]float64, len(points))
		for i, x := range points {
			vals[i] = arForecast(m, x)
			grads[i] = slices.Clone(m.Params[1:])
		}
		return vals, grads, nil
	}
}

// arForecast is c + Σ_k φ_k x_{k−1} for lag values x (at least p of them).
func arForecast(m *timeseries.AR, x []float64) float64 {
	v := m.Params[0]
	for k := 1; k <= m.Lags; k++ {
		v += m.Params[k] * x[k-1]
	}
	return v
}

// FitAR fits AR(p) to the training segment of sp, p chosen by AIC among
// 0 … model.window (so its lags, like the network's, stay inside a segment).
func FitAR(sp *models.SeriesSplit) (*timeseries.AR, error) {
	train := sp.Y[:sp.ValStart]
	maxLag := min(sp.Window, len(train)/4)
	p, _, err := timeseries.SelectOrder(train, maxLag, timeseries.AIC)
	if err != nil {
		return nil, err
	}
	return timeseries.Fit(train, p, -1)
}

// Explain forecasts the test segment with the run's network, AR(p) and the
// last value, and attributes the chosen forecasts to their lags.
func Explain(o Options) (*Explanation, error) {
	run, err := explain.OpenKind(o.Run, "explain lags", "forecaster")
	if err != nil {
		return nil, err
	}
	run.UseExecutor(o.Executor)
	m, sp, err := run.Forecaster(64)
	if err != nil {
		return nil, err
	}
	ex := &Explanation{Split: sp, Times: sp.Targets("test")}
	if ex.Explained, err = chooseForecasts(o.Inputs, len(ex.Times)); err != nil {
		return nil, err
	}
	if ex.AR, err = FitAR(sp); err != nil {
		return nil, fmt.Errorf("fitting AR(p) to the training segment of %s: %w", o.Run, err)
	}
	sc, err := explain.NewScorer(m.Net, m.X, m.Pred, run.Executor)
	if err != nil {
		return nil, err
	}
	defer sc.Close()
	// A forward-only copy of the graph for the forecasts, fed as training
	// and evaluation feed it (models.Forecast, SeriesSplit.WindowAt).
	fm, _, err := run.Forecaster(64)
	if err != nil {
		return nil, err
	}
	fex, err := run.Executor(fm.Net)
	if err != nil {
		return nil, err
	}
	defer fex.Close()
	if err := ex.forecastAll(fm, fex); err != nil {
		return nil, err
	}
	net, ar := networkGradient(sc, sp), arGradient(ex.AR)
	p := sp.Window
	mean := make([]float64, p)
	for k := range mean {
		mean[k] = sp.Mean
	}
	for _, i := range ex.Explained {
		t := ex.Times[i]
		x := lagValues(sp.Y, t, p)
		ig, err := IntegratedGradients(net, x, mean, o.Steps)
		if err != nil {
			return nil, err
		}
		// The same from a series whose values at and after t are NaN.
		igNaN, err := IntegratedGradients(net, lagValues(poisoned(sp.Y, t), t, p), mean, o.Steps)
		if err != nil {
			return nil, err
		}
		if !slices.Equal(ig.Attr, igNaN.Attr) || ig.Value != igNaN.Value {
			ex.CausalityViolations++
		}
		ex.AtMean = ig.Baseline
		ex.Completeness = math.Max(ex.Completeness, ig.CompletenessError())
		ex.Attr = append(ex.Attr, ig.Attr)
		exact := make([]float64, ex.AR.Lags)
		for k := 1; k <= ex.AR.Lags; k++ {
			exact[k-1] = ex.AR.Params[k] * (x[k-1] - sp.Mean)
		}
		ex.ARAttr = append(ex.ARAttr, exact)
		arIG, err := IntegratedGradients(ar, x[:ex.AR.Lags], mean[:ex.AR.Lags], o.Steps)
		if err != nil {
			return nil, err
		}
		for k, v := range arIG.Attr {
			ex.ARIGError = math.Max(ex.ARIGError, math.Abs(v-exact[k]))
		}
	}
	return ex, nil
}

// forecastAll fills Forecast, ARForecast and Persistence at every test
// time, and counts the forecasts a NaN at or after their time changes.
func (ex *Explanation) forecastAll(m *nets.Forecaster, run engine.Executor) error {
	sp := ex.Split
	ctx := context.Background()
	var err error
	if ex.Forecast, err = models.Forecast(ctx, m, run, sp, sp.Y, ex.Times); err != nil {
		return err
	}
	for i, t := range ex.Times {
		y := poisoned(sp.Y, t)
		f, err := models.Forecast(ctx, m, run, sp, y, []int{t})
		if err != nil {
			return err
		}
		a := arForecast(ex.AR, lagValues(y, t, ex.AR.Lags))
		ex.ARForecast = append(ex.ARForecast, arForecast(ex.AR, lagValues(sp.Y, t, ex.AR.Lags)))
		ex.Persistence = append(ex.Persistence, sp.Y[t-1])
		if f[0] != ex.Forecast[i] || a != ex.ARForecast[i] {
			ex.CausalityViolations++
		}
	}
	return nil
}

// chooseForecasts reads the --input list (explain.ParseInputs) and checks
// it against n test forecasts; empty means all of them.
func chooseForecasts(spec string, n int) ([]int, error) {
	inputs, err := explain.ParseInputs(spec)
	if err != nil {
		return nil, err
	}
	var out []int
	for _, in := range inputs {
		if in.Split != "test" || in.Index >= n {
			return nil, fmt.Errorf("--input %s: the forecasts explained are those of the test segment, test:0..test:%d in time order", in, n-1)
		}
		out = append(out, in.Index)
	}
	if len(out) == 0 {
		for i := 0; i < n; i++ {
			out = append(out, i)
		}
	}
	return out, nil
}
