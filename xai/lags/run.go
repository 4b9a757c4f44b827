package lags

import (
	"fmt"
	"strconv"

	"genxai/models"
	"genxai/runs"
	"genxai/viz"
	"genxai/xai/explain"
)

// Run explains a forecaster run and writes into o.Out: comparison.csv (the
// one-step test RMSE and MAE of the network, AR(p) fitted on the same
// training segment, and the last value as forecast, on the same test
// times), forecasts.csv (the three forecasts at every test time), lags.csv
// and lags.png (the network's integrated-gradients attribution of each
// explained forecast, rows, to each lag, columns), lags_ar.csv and
// lags_ar.png (AR(p)'s exact φ_k (y_{t−k} − mean)) and summary.json with
// the table, the completeness and causality checks. It returns the summary.
func Run(o Options) (map[string]any, error) {
	ex, err := Explain(o)
	if err != nil {
		return nil, err
	}
	out, err := explain.Begin(o.Out, "lags", o.Flags())
	if err != nil {
		return nil, err
	}
	sp := ex.Split
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	time := func(t int) string { return g(sp.Series.Time[t]) }

	neural := fmt.Sprintf("neural forecaster (window %d)", sp.Window)
	arName := fmt.Sprintf("AR(%d), AIC on the training segment", ex.AR.Lags)
	var table []map[string]any
	var rows [][]string
	for _, m := range []struct {
		name string
		lags int
		f    []float64
	}{{neural, sp.Window, ex.Forecast}, {arName, ex.AR.Lags, ex.ARForecast}, {"persistence (last value)", 1, ex.Persistence}} {
		rmse, mae := models.ForecastErrors(sp.Y, ex.Times, m.f)
		table = append(table, map[string]any{"model": m.name, "lags": m.lags, "test_rmse": rmse, "test_mae": mae})
		rows = append(rows, []string{m.name, strconv.Itoa(m.lags), g(rmse), g(mae), strconv.Itoa(len(ex.Times))})
	}
	if err := runs.WriteCSV(out.Dir.File("comparison.csv"), []string{"model", "lags", "test_rmse", "test_mae", "forecasts"}, rows); err != nil {
		return nil, err
	}
	out.Record("comparison.csv")
	rows = rows[:0]
	for i, t := range ex.Times {
		rows = append(rows, []string{time(t), g(sp.Y[t]), g(ex.Forecast[i]), g(ex.ARForecast[i]), g(ex.Persistence[i])})
	}
	if err := runs.WriteCSV(out.Dir.File("forecasts.csv"), []string{"time", "observed", "neural", "ar", "persistence"}, rows); err != nil {
		return nil, err
	}
	out.Record("forecasts.csv")

	labels := make([]string, len(ex.Explained))
	for j, i := range ex.Explained {
		labels[j] = time(ex.Times[i])
	}
	write := func(name, title string, attr [][]float64, forecasts []float64, base string) error {
		p := 0
		if len(attr) > 0 {
			p = len(attr[0])
		}
		if p == 0 {
			return nil // AR(0): no lags to attribute to
		}
		lagNames := make([]string, p)
		for k := range lagNames {
			lagNames[k] = fmt.Sprintf("lag %d", k+1)
		}
		header := append([]string{"time", "observed", "forecast", base}, lagNames...)
		var rows [][]string
		for j, i := range ex.Explained {
			t := ex.Times[i]
			row := []string{labels[j], g(sp.Y[t]), g(forecasts[i]), baseValue(base, ex)}
			for _, v := range attr[j] {
				row = append(row, g(v))
			}
			rows = append(rows, row)
		}
		if err := runs.WriteCSV(out.Dir.File(name+".csv"), header, rows); err != nil {
			return err
		}
		out.Record(name + ".csv")
		if err := viz.Heatmap(out.Dir.File(name+".png"), title, labels, lagNames, attr, true); err != nil {
			return err
		}
		out.Record(name + ".png")
		return nil
	}
	if err := write("lags", fmt.Sprintf("%s: integrated gradients per lag", sp.Column),
		ex.Attr, ex.Forecast, "forecast_at_mean"); err != nil {
		return nil, err
	}
	if err := write("lags_ar", fmt.Sprintf("AR(%d): φ_k·(y(t−k) − mean) per lag", ex.AR.Lags),
		ex.ARAttr, ex.ARForecast, "const_plus_mean_terms"); err != nil {
		return nil, err
	}
	summary := map[string]any{
		"run": o.Run, "series": sp.Series.Source, "column": sp.Column,
		"test_times": []string{time(ex.Times[0]), time(ex.Times[len(ex.Times)-1])}, "forecasts": len(ex.Times),
		"comparison": table,
		"test_rmse":  table[0]["test_rmse"], "test_mae": table[0]["test_mae"],
		"ar_test_rmse": table[1]["test_rmse"], "ar_test_mae": table[1]["test_mae"],
		"ar_lags": ex.AR.Lags, "ar_coefficients": ex.AR.Params, "ar_aic": ex.AR.AIC,
		"persistence_test_rmse": table[2]["test_rmse"],
		"window":                sp.Window, "baseline": sp.Mean, "forecast_at_baseline": ex.AtMean,
		"attribution": ex.Attr, "ar_attribution": ex.ARAttr,
		"mean_abs_attribution": meanAbs(ex.Attr), "ar_mean_abs_attribution": meanAbs(ex.ARAttr),
		"ig_steps": o.Steps, "ig_completeness_error": ex.Completeness, "ar_ig_error": ex.ARIGError,
		"causality_violations": ex.CausalityViolations,
		"attribution_method":   "integrated gradients (midpoint rule) from the training mean, original units",
	}
	if err := out.Finish("lags", summary); err != nil {
		return nil, err
	}
	return summary, nil
}

// baseValue is the forecast every row's attributions are measured from: the
// network's forecast at the baseline, or AR(p)'s c + Σ φ_k·mean.
func baseValue(base string, ex *Explanation) string {
	v := ex.AtMean
	if base != "forecast_at_mean" {
		v = ex.AR.Params[0]
		for k := 1; k <= ex.AR.Lags; k++ {
			v += ex.AR.Params[k] * ex.Split.Mean
		}
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// meanAbs is the mean absolute value of each column of attr.
func meanAbs(attr [][]float64) []float64 {
	if len(attr) == 0 {
		return nil
	}
	out := make([]float64, len(attr[0]))
	for _, row := range attr {
		for k, v := range row {
			if v < 0 {
				v = -v
			}
			out[k] += v / float64(len(attr))
		}
	}
	return out
}
