package glassbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"genxai/config"
	"genxai/data"
	"genxai/runs"
	"genxai/viz"
	"genxai/xai/progress"
)

// dataset is a train (and optional test) design after column selection and
// label coding.
type dataset struct {
	features []string
	xtr, ytr []float64
	xte, yte []float64 // nil without a test set
	classes  []string  // nil for regression
	ntr, nte int
	source   string // how the rows were chosen, for the summary
	// levels and refs describe the categorical features (nil: all numeric):
	// levels[j] names feature j's levels (nil when numeric), whose index its
	// cells hold, and refs[j] is its reference level.
	levels [][]string
	refs   []int
	// wtr and wte are the frequency weights of the rows (nil: none), read
	// from the column weight.
	wtr, wte []float64
	weight   string
}

// encoding is the one-hot encoding of the dataset's features.
func (ds *dataset) encoding(dropReference bool) *data.Encoding {
	return &data.Encoding{Features: ds.features, Levels: ds.levels, Reference: ds.refs, DropReference: dropReference}
}

// loadData reads the tables named by the config, applies the split and the
// feature selection and codes the labels (classification) or keeps them as
// numbers (regression). With missing, empty and NA/NaN feature cells are
// read as NaN; otherwise they are refused with the file, line and column.
// Text feature columns, and those the config declares categorical, hold
// level indices (data.ReadTable); the weight column, when set, gives the
// rows' frequency weights.
func loadData(c *config.Config, classify, missing bool) (*dataset, error) {
	reading, err := config.TableOptions(c)
	if err != nil {
		return nil, err
	}
	opt := data.ReadOptions{Label: c.String("label"), Categorical: reading.Categorical, Reference: reading.Reference, Weight: reading.Weight, Ignore: reading.Ignore, Missing: missing}
	trainSpec, testSpec := strings.TrimSpace(c.String("train")), strings.TrimSpace(c.String("test"))
	tr, err := data.ReadTable(trainSpec, opt)
	if err != nil {
		return nil, fmt.Errorf("train %s: %w", trainSpec, err)
	}
	if tr.Label == "" || tr.Y == nil {
		return nil, fmt.Errorf("train %s: no label column; set --label to the name of the column to predict (columns: %s)", trainSpec, strings.Join(tr.Features, ", "))
	}
	ds := &dataset{source: trainSpec}
	var te *data.Table
	switch c.String("split") {
	case "builtin", "true":
		if trainSpec != data.BuiltinBreastCancer {
			return nil, fmt.Errorf("split %q uses the bundled train/test indices of %s, but train is %q; give --test CSV for your own table instead", c.String("split"), data.BuiltinBreastCancer, trainSpec)
		}
		if testSpec != "" {
			return nil, fmt.Errorf("split %q and test %q both choose the test rows; give one of them", c.String("split"), testSpec)
		}
		trIdx, teIdx, err := data.BreastCancerSplit()
		if err != nil {
			return nil, err
		}
		te, tr = tr.Subset(teIdx), tr.Subset(trIdx)
		ds.source = fmt.Sprintf("%s with its bundled split (%d train / %d test rows)", trainSpec, len(trIdx), len(teIdx))
	default:
		if testSpec != "" {
			opt.Label, opt.Like = tr.Label, tr
			te, err = data.ReadTable(testSpec, opt)
			if err != nil {
				return nil, fmt.Errorf("test %s: %w", testSpec, err)
			}
			ds.source = trainSpec + " (train), " + testSpec + " (test)"
		}
	}

	// Feature selection.
	sel := c.Strings("features")
	if len(sel) == 0 {
		sel = tr.Features
	}
	trCols, err := columnIndices(tr, sel, trainSpec)
	if err != nil {
		return nil, err
	}
	ds.features = slices.Clone(sel)
	ds.xtr, ds.ntr = selectColumns(tr, trCols), tr.Rows
	ds.wtr, ds.weight = tr.Weights, tr.WeightColumn
	if tr.HasCategorical() {
		for _, k := range trCols {
			ds.levels, ds.refs = append(ds.levels, tr.Levels[k]), append(ds.refs, tr.Reference[k])
		}
	}
	if te != nil {
		if len(c.Strings("features")) == 0 && !slices.Equal(te.Features, tr.Features) {
			return nil, fmt.Errorf("test %s has feature columns %v but train %s has %v; give both the same columns, or list the ones to use with --features", testSpec, te.Features, trainSpec, tr.Features)
		}
		teCols, err := columnIndices(te, sel, testSpec)
		if err != nil {
			return nil, err
		}
		ds.xte, ds.nte, ds.wte = selectColumns(te, teCols), te.Rows, te.Weights
		if ds.nte == 0 {
			return nil, fmt.Errorf("test %s has no rows", testSpec)
		}
	}
	if ds.ntr == 0 {
		return nil, fmt.Errorf("train %s has no rows", trainSpec)
	}
	if !classify {
		if tr.LabelNames != nil || (te != nil && te.LabelNames != nil) {
			return nil, fmt.Errorf("label column %q holds text; regression needs numbers (use task classification for a binary text label)", tr.Label)
		}
		ds.ytr = slices.Clone(tr.Y)
		if te != nil {
			ds.yte = slices.Clone(te.Y)
		}
		return ds, nil
	}
	ds.ytr, ds.yte, ds.classes, err = codeClasses(tr, te, trainSpec, testSpec)
	return ds, err
}

// columnIndices maps feature names to column positions in t.
func columnIndices(t *data.Table, names []string, spec string) ([]int, error) {
	idx := make([]int, len(names))
	seen := map[string]bool{}
	for i, n := range names {
		if seen[n] {
			return nil, fmt.Errorf("feature %q is listed twice in features", n)
		}
		seen[n] = true
		k := slices.Index(t.Features, n)
		if k < 0 {
			if n == t.Label {
				return nil, fmt.Errorf("feature %q is the label column; it cannot also be a feature", n)
			}
			return nil, fmt.Errorf("%s has no feature column %q; its columns are: %s", spec, n, strings.Join(t.Features, ", "))
		}
		idx[i] = k
	}
	return idx, nil
}

func selectColumns(t *data.Table, cols []int) []float64 {
	p := t.NumFeatures()
	out := make([]float64, 0, t.Rows*len(cols))
	for i := 0; i < t.Rows; i++ {
		for _, k := range cols {
			out = append(out, t.X[i*p+k])
		}
	}
	return out
}

// maxClasses bounds the distinct numeric labels a classifier accepts before
// the label is taken for a continuous target by mistake.
const maxClasses = 50

// codeClasses turns labels into class indices 0..K−1. Text labels keep the
// training file's order of first appearance; numeric labels are ordered by
// value (so 0 is the reference class of 0/1 labels).
func codeClasses(tr, te *data.Table, trainSpec, testSpec string) (ytr, yte []float64, names []string, err error) {
	ytr = make([]float64, tr.Rows)
	if tr.LabelNames != nil {
		names = slices.Clone(tr.LabelNames)
		copy(ytr, tr.Y)
	} else {
		vals := slices.Clone(tr.Y)
		sort.Float64s(vals)
		vals = slices.Compact(vals)
		if len(vals) > maxClasses {
			return nil, nil, nil, fmt.Errorf("train %s: label %q has %d distinct numeric values; a classifier expects a few classes (a continuous target needs regression)", trainSpec, tr.Label, len(vals))
		}
		for _, v := range vals {
			names = append(names, strconv.FormatFloat(v, 'g', -1, 64))
		}
		for i, v := range tr.Y {
			k, _ := slices.BinarySearch(vals, v)
			ytr[i] = float64(k)
		}
	}
	if te == nil {
		return ytr, nil, names, nil
	}
	yte = make([]float64, te.Rows)
	for i, v := range te.Y {
		name := strconv.FormatFloat(v, 'g', -1, 64)
		if te.LabelNames != nil {
			name = te.LabelNames[int(v)]
		}
		k := slices.Index(names, name)
		if k < 0 {
			return nil, nil, nil, fmt.Errorf("test %s: data row %d has label %q, a class the training data does not have (classes: %s)", testSpec, i+1, name, strings.Join(names, ", "))
		}
		yte[i] = float64(k)
	}
	return ytr, yte, names, nil
}

// openRunDir creates the run directory named by the config's out key, or
// runs/glassbox-<model>-<time>.
func openRunDir(c *config.Config, model string) (*runs.Dir, error) {
	return runs.CreateNamed(c.String("out"), "glassbox-"+model, c.Bool(config.ForceKey))
}

// RunLogReg fits the logistic regression a `glassbox logreg` config
// describes and writes its run directory: config.yaml, summary.json,
// coefficients.csv, coefficients.md and forest_plot.png. The table goes to
// stdout. On separation (without a penalty) it writes config.yaml and a
// summary.json with "status": "separation" and returns the *SeparationError.
// It returns the run directory's path.
func RunLogReg(c *config.Config, stdout io.Writer) (string, error) {
	start := time.Now()
	ds, err := loadData(c, true, false)
	if err != nil {
		return "", fmt.Errorf("glassbox logreg: %w", err)
	}
	dir, err := openRunDir(c, "logreg")
	if err != nil {
		return "", err
	}
	defer dir.Close()
	if err := dir.WriteConfig(c.Settings()); err != nil {
		return dir.Path, err
	}
	enc := ds.encoding(true)
	xtr, features := enc.EncodeAll(ds.xtr, ds.ntr), enc.Columns()
	m, err := FitLogReg(xtr, ds.ytr, features, ds.classes, LogRegOptions{
		L2: c.Float("l2"), Standardize: c.Bool("standardize"), MaxIter: c.Int("max_iter"), Tol: c.Float("tol"), Weights: ds.wtr,
	})
	if err != nil {
		var se *SeparationError
		if errors.As(err, &se) {
			s := map[string]any{"model": "logreg", "status": "separation", "error": se.Error(),
				"separation_kind": se.Kind, "separation_features": se.Features, "n_train": ds.ntr, "data": ds.source}
			if werr := dir.WriteSummary(s); werr != nil {
				return dir.Path, werr
			}
		}
		return dir.Path, fmt.Errorf("glassbox logreg: %w", err)
	}
	m.Encoding, m.WeightColumn = enc, ds.weight
	trAcc, _, err := m.ScoreWeighted(xtr, ds.ytr, ds.wtr)
	if err != nil {
		return dir.Path, err
	}
	s := map[string]any{
		"model": "logreg", "status": "ok", "data": ds.source,
		"n_train": ds.ntr, "n_features": len(features), "n_observations": m.Observations, "classes": ds.classes, "reference_class": ds.classes[0],
		"train_accuracy": trAcc, "accuracy": trAcc, "accuracy_on": "training",
		"log_likelihood": m.LogLik, "null_log_likelihood": m.NullLogLik,
		"lr_statistic": m.LRStat, "lr_df": m.LRDF, "lr_p_value": m.LRP, "pseudo_r2_mcfadden": m.PseudoR2,
		"l2": m.L2, "standardized": m.Standardized, "odds_ratio_scale": m.Scale(), "iterations": m.Iterations,
		"warnings": m.Warnings, "coefficients": m.CoefficientRecords(),
	}
	if m.L2 > 0 {
		s["standard_errors"] = "from the penalized Hessian (XᵀWX + λI)⁻¹"
	}
	if ds.weight != "" {
		s["weight_column"] = ds.weight
	}
	if refs := categoricalSummary(enc); refs != nil {
		s["categorical"] = refs
	}
	if ds.xte != nil {
		acc, ll, err := m.ScoreWeighted(enc.EncodeAll(ds.xte, ds.nte), ds.yte, ds.wte)
		if err != nil {
			return dir.Path, err
		}
		s["n_test"], s["test_accuracy"], s["accuracy"], s["accuracy_on"], s["test_log_likelihood"] = ds.nte, acc, acc, "test", ll
	}
	if err := dir.WriteJSON("model.json", m); err != nil {
		return dir.Path, err
	}
	if err := runs.WriteFileAtomic(dir.File("coefficients.csv"), m.WriteCSV); err != nil {
		return dir.Path, err
	}
	if err := runs.WriteFileAtomic(dir.File("coefficients.md"), m.WriteMarkdown); err != nil {
		return dir.Path, err
	}
	if omitted, err := m.forestPlot(dir.File("forest_plot.png")); err != nil {
		return dir.Path, err
	} else if len(omitted) > 0 {
		s["forest_plot_omitted"] = omitted
	}
	s["seconds"], s[runs.SourceKey] = time.Since(start).Seconds(), runs.Sources(c.String("train"), c.String("test"))
	if err := dir.WriteSummary(s); err != nil {
		return dir.Path, err
	}
	if err := m.WriteText(stdout); err != nil {
		return dir.Path, err
	}
	on := s["accuracy_on"].(string)
	fmt.Fprintf(stdout, "Accuracy on the %s rows: %.4f", on, s["accuracy"])
	if on == "training" {
		fmt.Fprint(stdout, " (no --test or --split was given: this is training accuracy, an optimistic estimate)")
	}
	fmt.Fprintf(stdout, "\nRun directory: %s\n", dir.Path)
	return dir.Path, nil
}

// categoricalSummary describes the categorical columns of an encoding for
// summary.json: column → levels and reference level (nil without any).
func categoricalSummary(e *data.Encoding) map[string]any {
	var out map[string]any
	for j, f := range e.Features {
		if ref := e.ReferenceLevel(j); ref != "" {
			if out == nil {
				out = map[string]any{}
			}
			out[f] = map[string]any{"levels": e.Levels[j], "reference": ref}
		}
	}
	return out
}

// forestPlot draws the slopes' odds ratios with their intervals; rows whose
// interval overflows (or underflows to 0) are left out and returned.
func (m *LogReg) forestPlot(path string) ([]string, error) {
	var labels, omitted []string
	var est, lo, hi []float64
	for i, c := range m.Coefs {
		if c.Feature == "intercept" {
			continue
		}
		ok := true
		for _, v := range []float64{c.OddsRatio, c.CILow, c.CIHigh} {
			if math.IsInf(v, 0) || math.IsNaN(v) || v <= 0 {
				ok = false
			}
		}
		if !ok {
			omitted = append(omitted, m.rowLabel(i))
			continue
		}
		labels = append(labels, m.rowLabel(i))
		est, lo, hi = append(est, c.OddsRatio), append(lo, c.CILow), append(hi, c.CIHigh)
	}
	if len(labels) == 0 {
		return omitted, nil
	}
	unit := "per unit"
	if m.Standardized {
		unit = "per SD"
	}
	title := fmt.Sprintf("Odds ratios (%s) with 95%% CI, reference class %s", unit, m.Classes[0])
	if m.L2 > 0 {
		title += fmt.Sprintf(", L2 λ=%g", m.L2)
	}
	return omitted, viz.ForestPlot(path, title, "odds ratio "+unit+" (log scale)", labels, est, lo, hi, 1, true)
}

// ebmTask decides classification or regression from the config and labels.
func ebmTask(c *config.Config) (classify bool, err error) {
	switch c.String("task") {
	case "classification":
		return true, nil
	case "regression":
		return false, nil
	}
	tr, err := config.TableOptions(c)
	if err != nil {
		return false, err
	}
	t, err := data.ReadTable(c.String("train"), data.ReadOptions{Label: c.String("label"), Categorical: tr.Categorical, Ignore: tr.Ignore, Missing: true})
	if err != nil {
		return false, fmt.Errorf("train %s: %w", c.String("train"), err)
	}
	if t.LabelNames != nil {
		return true, nil
	}
	vals := slices.Clone(t.Y)
	sort.Float64s(vals)
	return len(slices.Compact(vals)) <= 2, nil
}

// EBMOptionsFromConfig reads the boosting options of a `glassbox ebm` config.
func EBMOptionsFromConfig(c *config.Config, regression bool) EBMOptions {
	o := EBMOptions{
		Regression: regression, MaxBins: c.Int("max_bins"), MaxInteractionBins: c.Int("max_interaction_bins"),
		LearningRate: c.Float("learning_rate"), MaxRounds: c.Int("max_rounds"),
		EarlyStoppingRounds: c.Int("early_stopping_rounds"), EarlyStoppingTol: c.Float("early_stopping_tolerance"),
		OuterBags: c.Int("outer_bags"), ValidationFraction: c.Float("validation_fraction"),
		MaxLeaves: c.Int("max_leaves"), MinSamplesLeaf: c.Int("min_samples_leaf"),
		SmoothingRounds: c.Int("smoothing_rounds"), Interactions: c.Int("interactions"),
		Seed: uint64(c.Int("seed")), Workers: c.Int("workers"),
	}
	if o.ValidationFraction == 0 {
		o.ValidationFraction = -1
	}
	if o.SmoothingRounds == 0 {
		o.SmoothingRounds = -1
	}
	if o.EarlyStoppingTol == 0 {
		o.EarlyStoppingTol = math.SmallestNonzeroFloat64
	}
	return o
}

// RunEBM fits the Explainable Boosting Machine a `glassbox ebm` config
// describes and writes its run directory: config.yaml, summary.json (with
// importances, most important first), importances.csv, shapes.csv,
// model.json, importance.png, shape_<term>.png for the top terms (a heatmap
// for a pair), explanations.csv with local explanations of the first test
// rows and local_explanation_<row>.png for up to three of them. It prints the
// importances and returns the run directory's path. Missing feature values
// (empty or NA/NaN cells) get their own bin. Progress of the boosting goes to
// log; when ctx is cancelled the fit stops and nothing but the (empty) run
// directory is written: the error is a *progress.Interrupted (exit status
// 130).
func RunEBM(ctx context.Context, c *config.Config, stdout, log io.Writer) (string, error) {
	start := time.Now()
	classify, err := ebmTask(c)
	if err != nil {
		return "", fmt.Errorf("glassbox ebm: %w", err)
	}
	ds, err := loadData(c, classify, true)
	if err != nil {
		return "", fmt.Errorf("glassbox ebm: %w", err)
	}
	if classify && len(ds.classes) != 2 {
		return "", fmt.Errorf("glassbox ebm: the label has %d classes (%s); the EBM does binary classification and regression: use glassbox logreg for a multinomial model, or --set task=regression for a numeric target", len(ds.classes), strings.Join(ds.classes, ", "))
	}
	dir, err := openRunDir(c, "ebm")
	if err != nil {
		return "", err
	}
	defer dir.Close()
	opt := EBMOptionsFromConfig(c, !classify)
	opt.Weights, opt.Levels = ds.wtr, ds.levels
	for j, l := range ds.levels {
		if l != nil {
			opt.Categorical = append(opt.Categorical, j)
		}
	}
	m, err := FitEBMContext(ctx, ds.xtr, ds.ytr, ds.features, ds.classes, opt, progress.New(log, "glassbox ebm"))
	if err != nil {
		return dir.Path, fmt.Errorf("glassbox ebm: %w", err)
	}
	if err := dir.WriteConfig(c.Settings()); err != nil {
		return dir.Path, err
	}
	fitSeconds := time.Since(start).Seconds()
	trS, err := m.Score(ds.xtr, ds.ytr)
	if err != nil {
		return dir.Path, err
	}
	imps := m.Importances()
	var impRecs []map[string]any
	var top5 []string
	for i, im := range imps {
		impRecs = append(impRecs, map[string]any{"term": im.Term, "importance": im.Importance})
		if i < 5 {
			top5 = append(top5, im.Term)
		}
	}
	var pairs []string
	for _, t := range m.Terms {
		if t.IsPair() {
			pairs = append(pairs, t.Name)
		}
	}
	task := "classification"
	if !classify {
		task = "regression"
	}
	s := map[string]any{
		"model": "ebm", "task": task, "data": ds.source, "n_train": ds.ntr, "n_features": len(ds.features),
		"intercept": m.Intercept, "importances": impRecs, "top_features": top5, "interaction_terms": pairs,
		"bag_rounds": m.BagRounds, "pair_bag_rounds": m.PairBagRounds, "fit_seconds": fitSeconds,
	}
	if ds.weight != "" {
		s["weight_column"] = ds.weight
	}
	if cs := categoricalSummary(ds.encoding(false)); cs != nil {
		s["categorical"] = cs
	}
	evalX, evalY, on := ds.xtr, ds.ytr, "training"
	if ds.xte != nil {
		evalX, evalY, on = ds.xte, ds.yte, "test"
		s["n_test"] = ds.nte
	}
	evS, err := m.Score(evalX, evalY)
	if err != nil {
		return dir.Path, err
	}
	s["metrics_on"] = on
	if classify {
		s["classes"] = ds.classes
		s["train_accuracy"], s["log_likelihood"] = trS.Accuracy, trS.LogLik
		s["accuracy"], s["accuracy_on"] = evS.Accuracy, on
		if on == "test" {
			s["test_accuracy"], s["test_log_likelihood"], s["test_log_loss"] = evS.Accuracy, evS.LogLik, evS.LogLoss
		}
	} else {
		s["train_rmse"], s["train_r2"] = trS.RMSE, trS.R2
		s["rmse"], s["r2"] = evS.RMSE, evS.R2
	}
	for _, w := range []struct {
		name string
		f    func(io.Writer) error
	}{{"importances.csv", m.WriteImportancesCSV}, {"shapes.csv", m.WriteShapesCSV}} {
		if err := runs.WriteFileAtomic(dir.File(w.name), w.f); err != nil {
			return dir.Path, err
		}
	}
	if err := dir.WriteJSON("model.json", m); err != nil {
		return dir.Path, err
	}
	if err := m.plots(dir, c.Int("top_terms")); err != nil {
		return dir.Path, err
	}
	if err := m.writeExplanations(dir, evalX, evalY, on, c.Int("explain_rows")); err != nil {
		return dir.Path, err
	}
	s["seconds"], s[runs.SourceKey] = time.Since(start).Seconds(), runs.Sources(c.String("train"), c.String("test"))
	if err := dir.WriteSummary(s); err != nil {
		return dir.Path, err
	}
	fmt.Fprintf(stdout, "Explainable Boosting Machine (%s), %d training rows, %d terms, %d bags (rounds kept: %v)\n", task, ds.ntr, len(m.Terms), len(m.BagRounds), m.BagRounds)
	if err := m.WriteImportancesText(stdout, 15); err != nil {
		return dir.Path, err
	}
	if classify {
		fmt.Fprintf(stdout, "Accuracy on the %s rows: %.4f (training accuracy %.4f)", on, evS.Accuracy, trS.Accuracy)
	} else {
		fmt.Fprintf(stdout, "RMSE on the %s rows: %.4g, R² %.4f", on, evS.RMSE, evS.R2)
	}
	if on == "training" {
		fmt.Fprint(stdout, " (no --test or --split was given: measured on the training rows, an optimistic estimate)")
	}
	fmt.Fprintf(stdout, "\nRun directory: %s\n", dir.Path)
	return dir.Path, nil
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// fileName turns a term name into a file-name fragment.
func fileName(term string) string {
	return strings.Trim(unsafeName.ReplaceAllString(strings.ReplaceAll(term, " × ", "_x_"), "_"), "_")
}

// scoreLabel names the y axis of shape plots.
func (m *EBM) scoreLabel() string {
	if m.Regression {
		return "contribution to the prediction"
	}
	return fmt.Sprintf("contribution to the log-odds of class %s", m.Classes[1])
}

// plots writes importance.png and the shape plots of the top terms.
func (m *EBM) plots(dir *runs.Dir, top int) error {
	imps := m.Importances()
	labels := make([]string, len(imps))
	vals := make([]float64, len(imps))
	for i, im := range imps {
		labels[i], vals[i] = im.Term, im.Importance
	}
	if err := viz.BarChart(dir.File("importance.png"), "EBM term importance", "mean |contribution| over the training rows", labels, vals); err != nil {
		return err
	}
	for i := 0; i < top && i < len(imps); i++ {
		t := &m.Terms[m.TermIndex(imps[i].Term)]
		path := dir.File("shape_" + fileName(t.Name) + ".png")
		if err := m.plotTerm(path, t); err != nil {
			return err
		}
	}
	return nil
}

// plotTerm draws one term: a step function with ±1 SD across bags for a
// numeric feature, bars for a categorical one, a heatmap for a pair.
func (m *EBM) plotTerm(path string, t *Term) error {
	title := fmt.Sprintf("%s (importance %.3g)", t.Name, t.Importance)
	if t.IsPair() {
		ba, bb := &m.PairBins[t.Features[0]], &m.PairBins[t.Features[1]]
		nb := bb.NumBins()
		var rows []string
		var cols []string
		for j := 1; j < nb; j++ {
			cols = append(cols, bb.BinLabel(j))
		}
		var vals [][]float64
		for i := 1; i < ba.NumBins(); i++ {
			rows = append(rows, m.Features[t.Features[0]]+" "+ba.BinLabel(i))
			vals = append(vals, slices.Clone(t.Scores[i*nb+1:(i+1)*nb]))
		}
		return viz.Heatmap(path, title+"; columns: "+m.Features[t.Features[1]], rows, cols, vals, true)
	}
	b := &m.Bins[t.Features[0]]
	if b.Categorical {
		var labels []string
		var vals []float64
		for k := 0; k < b.NumBins(); k++ {
			if k == 0 && b.Missing == 0 {
				continue
			}
			labels = append(labels, b.BinLabel(k))
			vals = append(vals, t.Scores[k])
		}
		return viz.BarChart(path, title, m.scoreLabel(), labels, vals)
	}
	var sr viz.Series
	for k := 1; k < b.NumBins(); k++ {
		lo, hi := b.Edges(k)
		sr.X = append(sr.X, lo, hi)
		sr.Y = append(sr.Y, t.Scores[k], t.Scores[k])
		sr.YErr = append(sr.YErr, t.StdDev[k], t.StdDev[k])
	}
	sr.Name = "shape (±1 SD across bags)"
	series := []viz.Series{sr}
	if b.Missing > 0 {
		// The missing bin has no place on the value axis: a level across it.
		series = append(series, viz.Series{
			Name: fmt.Sprintf("missing (%d training rows): %.3g", b.Missing, t.Scores[0]),
			X:    []float64{b.Min, b.Max}, Y: []float64{t.Scores[0], t.Scores[0]},
		})
	}
	return viz.LinePlot(path, title, t.Name, m.scoreLabel(), series)
}

// writeExplanations writes explanations.csv (long format: one line per row
// and term, plus the intercept and the total logit) for the first n rows of
// x, and a bar chart of the largest contributions for up to three of them.
func (m *EBM) writeExplanations(dir *runs.Dir, x, y []float64, on string, n int) error {
	p := len(m.Features)
	rows := len(y)
	n = min(n, rows)
	if n == 0 {
		return nil
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }
	err := runs.WriteFileAtomic(dir.File("explanations.csv"), func(w io.Writer) error {
		if _, err := fmt.Fprintln(w, "set,row,actual,predicted,term,value,contribution"); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			row := x[i*p : (i+1)*p]
			e := m.Explain(row)
			actual, pred := m.labelName(y[i]), m.labelName(m.Predict(row))
			line := func(term, value string, v float64) error {
				_, err := fmt.Fprintf(w, "%s,%d,%s,%s,%s,%s,%s\n", on, i, csvQuote(actual), csvQuote(pred), csvQuote(term), csvQuote(value), f(v))
				return err
			}
			if err := line("intercept", "", e.Intercept); err != nil {
				return err
			}
			for _, c := range e.Terms {
				if err := line(c.Term, c.Value, c.Score); err != nil {
					return err
				}
			}
			total := "logit (sum)"
			if m.Regression {
				total = "prediction (sum)"
			}
			if err := line(total, "", e.Logit); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := 0; i < min(n, 3); i++ {
		row := x[i*p : (i+1)*p]
		e := m.Explain(row)
		cs := slices.Clone(e.Terms)
		sort.SliceStable(cs, func(a, b int) bool { return math.Abs(cs[a].Score) > math.Abs(cs[b].Score) })
		cs = cs[:min(len(cs), 12)]
		var labels []string
		var vals []float64
		for _, c := range cs {
			labels = append(labels, fmt.Sprintf("%s = %s", c.Term, c.Value))
			vals = append(vals, c.Score)
		}
		title := fmt.Sprintf("%s row %d: actual %s, predicted %s, score %.3g (intercept %.3g)", on, i, m.labelName(y[i]), m.labelName(m.Predict(row)), e.Logit, e.Intercept)
		if !m.Regression {
			title = fmt.Sprintf("%s row %d: actual %s, P(%s) = %.3f (logit %.3g, intercept %.3g)", on, i, m.labelName(y[i]), m.Classes[1], m.Probability(row), e.Logit, e.Intercept)
		}
		if err := viz.BarChart(dir.File(fmt.Sprintf("local_explanation_%d.png", i)), title, m.scoreLabel(), labels, vals); err != nil {
			return err
		}
	}
	return nil
}

// labelName formats a class index or regression value.
func (m *EBM) labelName(v float64) string {
	if !m.Regression && v >= 0 && int(v) < len(m.Classes) {
		return m.Classes[int(v)]
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// csvQuote quotes a CSV field when it needs it.
func csvQuote(s string) string {
	if strings.ContainsAny(s, ",\"\n\r") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}
