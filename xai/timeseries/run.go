package timeseries

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"genxai/config"
	"genxai/data"
	"genxai/runs"
	"genxai/viz"
)

// plotHistory is how many observed steps the forecast plot shows before the
// forecasts.
const plotHistory = 60

// loadColumn reads the series of a config of config.ARSchema and returns
// the chosen column, logging how many values the fill policy supplied.
func loadColumn(c *config.Config, log io.Writer) (*data.Series, []float64, string, error) {
	spec := c.String("data")
	s, err := data.ReadOneSeries(spec, c.String("time"), c.String("column"), c.String("fill"), "choose one with --column (and name the time column with --time)")
	if err != nil {
		return nil, nil, "", err
	}
	if s.GapRows > 0 || s.Filled[0] > 0 {
		fmt.Fprintf(log, "ar: %s: filled %d values (%s), %d of them in %d inserted time steps\n", spec, s.Filled[0], c.String("fill"), s.GapRows, s.GapRows)
	}
	return s, s.Values[0], s.Columns[0], nil
}

// chooseOrder parses the lags key: a whole number, or auto (SelectOrder
// by the ic key over 0..max_lag; its table is returned).
func chooseOrder(c *config.Config, y []float64) (int, []OrderScore, error) {
	v := strings.TrimSpace(c.String("lags"))
	if v == "auto" {
		return SelectOrder(y, c.Int("max_lag"), c.String("ic"))
	}
	p, err := strconv.Atoi(v)
	if err != nil || p < 0 {
		return 0, nil, fmt.Errorf("lags %q: want a whole number ≥ 0 or auto", v)
	}
	return p, nil, nil
}

// RunFromConfig is `genxai ar`: it reads the series of a config of
// config.ARSchema, fits AR(p) (p given or chosen by AIC/BIC), forecasts
// horizon steps with prediction intervals and writes the run directory:
// config.yaml, summary.json (coefficients with standard errors, sigma2,
// aic, bic, lags, nobs, the order-selection table with lags: auto),
// forecasts.csv and forecast.png, lag_contributions.csv and
// lag_importance.png (φ_l·y_{t−l} for every forecast and lag). It returns
// the summary.
func RunFromConfig(ctx context.Context, c *config.Config, stdout, log io.Writer) (map[string]any, error) {
	s, y, column, err := loadColumn(c, log)
	if err != nil {
		return nil, fmt.Errorf("ar: %w", err)
	}
	p, scores, err := chooseOrder(c, y)
	if err != nil {
		return nil, fmt.Errorf("ar: %w", err)
	}
	m, err := Fit(y, p, -1)
	if err != nil {
		return nil, fmt.Errorf("ar: %s column %s: %w", s.Source, column, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	dir, err := runs.CreateNamed(c.String("out"), "ar", c.Bool(config.ForceKey))
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	h := c.Int("horizon")
	f := m.Forecast(y, h, c.Float("alpha"))
	last := s.Time[len(s.Time)-1]
	times := make([]float64, h)
	for j := range times {
		times[j] = last + float64(j+1)*s.Step
	}
	coefs := make([]map[string]any, len(m.Params))
	for j, name := range m.ParamNames() {
		coefs[j] = map[string]any{"name": name, "coef": m.Params[j], "se": m.SE[j]}
	}
	summary := map[string]any{
		"data": s.Source, "column": column, "lags": m.Lags, "nobs": m.Nobs,
		"coefficients": coefs, "sigma2": m.Sigma2, "llf": m.LLF, "aic": m.AIC, "bic": m.BIC,
		"horizon": h, "interval_level": f.Level, "filled_values": s.Filled[0], "gap_steps": s.GapRows,
	}
	if scores != nil {
		summary["order_selection"] = map[string]any{"ic": c.String("ic"), "max_lag": c.Int("max_lag"), "common_nobs": len(y) - c.Int("max_lag"), "orders": scores}
	}
	if err := dir.WriteConfig(c.Settings()); err != nil {
		return nil, err
	}
	if err := writeForecasts(dir, s, y, m, f, times); err != nil {
		return nil, err
	}
	if err := dir.WriteSummary(summary); err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "AR(%d) on %s column %s: nobs %d, sigma2 %.6g, AIC %.4f, BIC %.4f\n", m.Lags, s.Source, column, m.Nobs, m.Sigma2, m.AIC, m.BIC)
	for j, name := range m.ParamNames() {
		fmt.Fprintf(stdout, "  %-8s %12.6f  (se %.6f)\n", name, m.Params[j], m.SE[j])
	}
	fmt.Fprintf(stdout, "forecast %v: %.4f [%.4f, %.4f]\nwrote %s\n", times[0], f.Mean[0], f.Lower[0], f.Upper[0], dir.Path)
	return summary, nil
}

// writeForecasts writes forecasts.csv, forecast.png, lag_contributions.csv
// and (for p ≥ 1) lag_importance.png.
func writeForecasts(dir *runs.Dir, s *data.Series, y []float64, m *AR, f *Forecast, times []float64) error {
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	rows := make([][]string, len(times))
	labels := make([]string, len(times))
	for j, t := range times {
		labels[j] = g(t)
		rows[j] = []string{g(t), g(f.Mean[j]), g(f.Var[j]), g(f.Lower[j]), g(f.Upper[j])}
	}
	if err := runs.WriteCSV(dir.File("forecasts.csv"), []string{"time", "forecast", "variance", "lower", "upper"}, rows); err != nil {
		return err
	}
	from := max(0, len(y)-plotHistory)
	xlabel := s.TimeName
	if xlabel == "" {
		xlabel = "step"
	}
	level := fmt.Sprintf("%g%% interval", 100*f.Level)
	series := []viz.Series{
		{Name: "observed", X: s.Time[from:], Y: y[from:]},
		{Name: "forecast", X: times, Y: f.Mean},
		{Name: level + " lower", X: times, Y: f.Lower},
		{Name: level + " upper", X: times, Y: f.Upper},
	}
	if err := viz.LinePlot(dir.File("forecast.png"), fmt.Sprintf("AR(%d) forecast of %s", m.Lags, s.Columns[0]), xlabel, s.Columns[0], series); err != nil {
		return err
	}
	contrib := m.LagContributions(y, f.Mean)
	header := []string{"time", "forecast", "const"}
	lagNames := m.ParamNames()[1:]
	header = append(header, lagNames...)
	crows := make([][]string, len(times))
	for j := range times {
		crows[j] = []string{labels[j], g(f.Mean[j]), g(m.Params[0])}
		for _, v := range contrib[j] {
			crows[j] = append(crows[j], g(v))
		}
	}
	if err := runs.WriteCSV(dir.File("lag_contributions.csv"), header, crows); err != nil {
		return err
	}
	if m.Lags == 0 {
		return nil
	}
	return viz.Heatmap(dir.File("lag_importance.png"), fmt.Sprintf("Lag contributions φ_l·y(t−l) to each AR(%d) forecast", m.Lags), labels, lagNames, contrib, true)
}
