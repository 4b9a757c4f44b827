package tabular

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"genxai/viz"
)

func writeJSON(dir, name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("explain tabular: %s: %w", name, err)
	}
	return os.WriteFile(filepath.Join(dir, name), append(b, '\n'), 0o644)
}

// writeCSV writes records to dir/name.
func writeCSV(dir, name string, recs [][]string) error {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return fmt.Errorf("explain tabular: %w", err)
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(recs); err != nil {
		f.Close()
		return fmt.Errorf("explain tabular: %s: %w", name, err)
	}
	return f.Close()
}

func g(v float64) string { return strconv.FormatFloat(v, 'g', 12, 64) }

var unsafe = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

func fileName(s string) string { return strings.Trim(unsafe.ReplaceAllString(s, "_"), "_") }

// write writes the CSV files and the plots.
func (r *results) write(dir string) error {
	t := r.target
	P := len(t.Features)
	recs := [][]string{{"row", "feature", "value", "shap", "exact_shap", "base_value", "prediction"}}
	for k, i := range r.rows {
		for j := 0; j < P; j++ {
			ex := ""
			if r.exact != nil {
				ex = g(r.exact[k][j])
			}
			recs = append(recs, []string{strconv.Itoa(i), t.Features[j], t.valueText(j, t.Held[i*P+j]), g(r.shap[k][j]), ex, g(r.base), g(r.pred[k])})
		}
	}
	if err := writeCSV(dir, "shap.csv", recs); err != nil {
		return err
	}
	recs = [][]string{{"feature", "mean_drop", "sd", "repeats"}}
	for _, im := range r.importance {
		recs = append(recs, []string{im.Feature, g(im.Mean), g(im.SD), strconv.Itoa(len(im.Repeats))})
	}
	if err := writeCSV(dir, "importance.csv", recs); err != nil {
		return err
	}
	recs = [][]string{{"feature", "value", "curve", "output"}}
	for k, d := range r.dependence {
		j := r.depIndex[k]
		for gi, v := range d.Grid {
			recs = append(recs, []string{d.Feature, t.valueText(j, v), "pd", g(d.PD[gi])})
			for c, ice := range d.ICE {
				recs = append(recs, []string{d.Feature, t.valueText(j, v), "ice_" + strconv.Itoa(c), g(ice[gi])})
			}
		}
	}
	if err := writeCSV(dir, "dependence.csv", recs); err != nil {
		return err
	}
	return r.plots(dir)
}

// colourOf scales feature j's value into [0,1] over the explained rows.
func (r *results) colourOf(j int) func(v float64) float64 {
	t := r.target
	P := len(t.Features)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, i := range r.rows {
		v := t.Held[i*P+j]
		lo, hi = min(lo, v), max(hi, v)
	}
	return func(v float64) float64 {
		if hi == lo {
			return 0.5
		}
		return (v - lo) / (hi - lo)
	}
}

// plots draws the beeswarm, waterfalls, dependence scatters and PD/ICE.
func (r *results) plots(dir string) error {
	t := r.target
	P := len(t.Features)
	order := r.topFeatures(min(P, 20))
	var labels []string
	var pts []viz.ColoredPoint
	for row, j := range order {
		labels = append(labels, t.Features[j])
		col := r.colourOf(j)
		for k, i := range r.rows {
			// Spread the points of a row a little so they do not hide each
			// other, deterministically.
			jitter := (float64((k*37)%21) - 10) / 40
			pts = append(pts, viz.ColoredPoint{X: r.shap[k][j], Y: float64(row) + jitter, C: col(t.Held[i*P+j])})
		}
	}
	if err := viz.ScatterPlot(filepath.Join(dir, "beeswarm.png"), "SHAP values (KernelSHAP), one dot per explained row",
		"SHAP value (effect on "+t.Output+")", "", "feature value", labels, pts); err != nil {
		return err
	}
	for k := 0; k < min(3, len(r.rows)); k++ {
		idx := make([]int, P)
		for j := range idx {
			idx[j] = j
		}
		sort.SliceStable(idx, func(a, b int) bool { return math.Abs(r.shap[k][idx[a]]) > math.Abs(r.shap[k][idx[b]]) })
		idx = idx[:min(P, 15)]
		var ls []string
		var vs []float64
		for _, j := range idx {
			ls = append(ls, t.Features[j]+" = "+t.valueText(j, t.Held[r.rows[k]*P+j]))
			vs = append(vs, r.shap[k][j])
		}
		title := fmt.Sprintf("%s row %d: %s = %.4g from base value %.4g", t.HeldName, r.rows[k], t.Output, r.pred[k], r.base)
		if err := viz.BarChart(filepath.Join(dir, fmt.Sprintf("waterfall_%d.png", r.rows[k])), title, "SHAP value (contribution to the change from the base value)", ls, vs); err != nil {
			return err
		}
	}
	for k, d := range r.dependence {
		j := r.depIndex[k]
		var dp []viz.ColoredPoint
		for q, i := range r.rows {
			dp = append(dp, viz.ColoredPoint{X: t.Held[i*P+j], Y: r.shap[q][j], C: math.NaN()})
		}
		name := fileName(d.Feature)
		if err := viz.ScatterPlot(filepath.Join(dir, "dependence_"+name+".png"), "SHAP dependence of "+d.Feature,
			d.Feature+levelNote(t, j), "SHAP value of "+d.Feature, "", nil, dp); err != nil {
			return err
		}
		series := []viz.Series{{Name: "partial dependence", X: d.Grid, Y: d.PD}}
		for c, ice := range d.ICE {
			series = append(series, viz.Series{Name: fmt.Sprintf("ICE row %d", c), X: d.Grid, Y: ice})
		}
		if err := viz.LinePlot(filepath.Join(dir, "pdp_"+name+".png"), "Partial dependence and ICE curves of "+d.Feature,
			d.Feature+levelNote(t, j), t.Output, series); err != nil {
			return err
		}
	}
	return nil
}

// levelNote explains a categorical axis: level indices and their names.
func levelNote(t *Target, j int) string {
	if !t.categorical(j) {
		return ""
	}
	var b strings.Builder
	b.WriteString(" (levels: ")
	for k, l := range t.Levels[j] {
		if k > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d=%s", k, l)
	}
	b.WriteString(")")
	return b.String()
}
