package tabular

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Options configures Run (the keys of `genxai explain tabular`).
type Options struct {
	// Run is the run directory of a glassbox logreg, glassbox ebm or svm run.
	Run string
	// Out is the output directory.
	Out string
	// Rows chooses the held-out rows to explain: "0-9", "0,5,7" ("": 0-9).
	Rows string
	// Samples is the KernelSHAP coalition budget per row (0: 2P + 2048, as
	// the shap library).
	Samples int
	// Background is the number of training rows, drawn from Seed, that
	// stand for "feature absent".
	Background int
	// Exact also computes exact Shapley values by enumeration when the model
	// has at most MaxExactFeatures features.
	Exact bool
	// Repeats is the number of shuffles per feature of the permutation
	// importance.
	Repeats int
	// Dependence is the number of features (most important first) with
	// partial dependence, ICE and dependence plots; ICE the number of ICE
	// curves drawn.
	Dependence, ICE int
	// Seed drives the background draw, the coalition samples and the
	// shuffles: equal seeds give equal results.
	Seed uint64
	// Workers bounds the goroutines evaluating coalitions (0: all cores).
	Workers int
}

// parseRows reads "0-9,12" into row indices below n.
func parseRows(spec string, n int) ([]int, error) {
	if strings.TrimSpace(spec) == "" {
		spec = fmt.Sprintf("0-%d", min(n, 10)-1)
	}
	var out []int
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		b := a
		if isRange {
			b, err = strconv.Atoi(hi)
			if err == nil {
				a, err = strconv.Atoi(lo)
			}
		}
		if err != nil || a < 0 || b < a {
			return nil, fmt.Errorf("rows %q: %q is not a row index or a range A-B; write e.g. 0-9,15", spec, part)
		}
		if b >= n {
			return nil, fmt.Errorf("rows %q: row %d does not exist; the held-out set has rows 0-%d", spec, b, n-1)
		}
		for i := a; i <= b; i++ {
			out = append(out, i)
		}
	}
	return out, nil
}

// Run explains the model of a run directory on held-out rows and writes
// into o.Out: shap.csv (every Shapley value, with the exact one when
// computed), importance.csv (permutation importance), dependence.csv
// (partial dependence and ICE), beeswarm.png, waterfall_<row>.png for the
// first three rows, dependence_<feature>.png and pdp_<feature>.png for the
// top features, and summary.json. It returns the summary.
func Run(o Options) (map[string]any, error) {
	t, err := LoadTarget(o.Run)
	if err != nil {
		return nil, err
	}
	P := len(t.Features)
	rows, err := parseRows(o.Rows, t.NHeld)
	if err != nil {
		return nil, fmt.Errorf("explain tabular: %w", err)
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, fmt.Errorf("explain tabular: %w", err)
	}
	samples := o.Samples
	if samples <= 0 {
		samples = 2*P + 2048
	}
	rng := rand.New(rand.NewPCG(o.Seed, 1))
	nb := min(o.Background, t.NTrain)
	bg := make([]float64, 0, nb*P)
	for _, i := range rng.Perm(t.NTrain)[:nb] {
		bg = append(bg, t.Train[i*P:(i+1)*P]...)
	}
	e := &Explainer{F: t.F, Background: bg, P: P, Workers: o.Workers}
	base := e.Base()
	res := &results{target: t, rows: rows, base: base}
	start := time.Now()
	for k, i := range rows {
		x := t.Held[i*P : (i+1)*P]
		phi := e.KernelSHAP(x, samples, rand.New(rand.NewPCG(o.Seed, 100+uint64(k))))
		res.shap = append(res.shap, phi)
		pred := make([]float64, 1)
		t.F(x, 1, pred)
		res.pred = append(res.pred, pred[0])
	}
	kernelSecs := time.Since(start).Seconds()
	var exactSecs float64
	if o.Exact && P <= MaxExactFeatures {
		start = time.Now()
		for _, i := range rows {
			phi, err := e.Exact(t.Held[i*P : (i+1)*P])
			if err != nil {
				return nil, err
			}
			res.exact = append(res.exact, phi)
		}
		exactSecs = time.Since(start).Seconds()
	}
	single := func(row []float64) float64 {
		out := make([]float64, 1)
		t.F(row, 1, out)
		return out[0]
	}
	metric, metricName := Metric(NegMSE), "negative mean squared error"
	if t.Correct != nil {
		metric, metricName = func(s, y []float64) float64 {
			c := 0
			for i, v := range s {
				if t.Correct(v, y[i]) {
					c++
				}
			}
			return float64(c) / float64(len(s))
		}, "accuracy"
	}
	res.importance = PermutationImportance(single, t.Held, t.HeldY, t.NHeld, t.Features, metric, max(o.Repeats, 1), rand.New(rand.NewPCG(o.Seed, 2)))
	for _, j := range res.topFeatures(o.Dependence) {
		d := PartialDependence(single, t.Held, t.NHeld, P, j, t.categorical(j), 20, o.ICE)
		d.Feature = t.Features[j]
		res.dependence = append(res.dependence, d)
		res.depIndex = append(res.depIndex, j)
	}
	if err := res.write(o.Out); err != nil {
		return nil, err
	}
	s := map[string]any{
		"model": t.Kind, "output": t.Output, "base_value": base, "rows_explained": len(rows), "rows_from": t.HeldName,
		"background_rows": nb, "kernel_samples": samples, "kernelshap_seconds": kernelSecs,
		"max_efficiency_error": res.maxEfficiencyError(), "permutation_metric": metricName,
		"mean_abs_shap": res.meanAbs(), "seed": o.Seed,
	}
	if res.exact != nil {
		s["exact_seconds"], s["max_kernel_vs_exact"] = exactSecs, res.maxKernelVsExact()
	}
	var imp []map[string]any
	for _, im := range res.importance {
		imp = append(imp, map[string]any{"feature": im.Feature, "mean": im.Mean, "sd": im.SD})
	}
	s["permutation_importance"] = imp
	if err := writeJSON(o.Out, "summary.json", s); err != nil {
		return nil, err
	}
	return s, nil
}

// results are the numbers Run writes.
type results struct {
	target     *Target
	rows       []int
	base       float64
	pred       []float64
	shap       [][]float64
	exact      [][]float64
	importance []Importance
	dependence []Dependence
	depIndex   []int
}

// meanAbs returns the mean |SHAP| of every feature over the rows.
func (r *results) meanAbs() map[string]float64 {
	out := map[string]float64{}
	for _, phi := range r.shap {
		for j, v := range phi {
			out[r.target.Features[j]] += math.Abs(v) / float64(len(r.shap))
		}
	}
	return out
}

// topFeatures returns the indices of the n features of largest mean |SHAP|.
func (r *results) topFeatures(n int) []int {
	m := r.meanAbs()
	idx := make([]int, len(r.target.Features))
	for j := range idx {
		idx[j] = j
	}
	sort.SliceStable(idx, func(a, b int) bool { return m[r.target.Features[idx[a]]] > m[r.target.Features[idx[b]]] })
	return idx[:min(n, len(idx))]
}

// maxEfficiencyError is the largest |Σφ − (f(x) − base)| over the rows.
func (r *results) maxEfficiencyError() float64 {
	worst := 0.0
	for k, phi := range r.shap {
		s := 0.0
		for _, v := range phi {
			s += v
		}
		worst = max(worst, math.Abs(s-(r.pred[k]-r.base)))
	}
	return worst
}

// maxKernelVsExact is the largest |KernelSHAP − exact| over rows and features.
func (r *results) maxKernelVsExact() float64 {
	worst := 0.0
	for k := range r.exact {
		for j, v := range r.exact[k] {
			worst = max(worst, math.Abs(v-r.shap[k][j]))
		}
	}
	return worst
}
