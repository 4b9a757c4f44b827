package augment

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"genxai/runs"
	"genxai/viz"
)

// Write saves the results into the run directory: results.csv (one row per
// n and ratio), runs.csv (one row per evaluated SVM), results.md (the table
// with verdicts), accuracy.png (accuracy against ratio, one line per n with
// ± one standard deviation over seeds, and each n's baseline as a flat
// line), accuracy-delta.png (the paired difference to the baseline) and
// summary.json.
func (r *Results) Write(dir *runs.Dir) error {
	if err := runs.WriteCSV(dir.File("results.csv"), cellsHeader, r.cellRows()); err != nil {
		return err
	}
	if err := runs.WriteCSV(dir.File("runs.csv"), trialsHeader, r.trialRows()); err != nil {
		return err
	}
	if err := runs.WriteFileAtomic(dir.File("results.md"), func(w io.Writer) error {
		_, err := io.WriteString(w, r.Markdown())
		return err
	}); err != nil {
		return fmt.Errorf("writing results.md: %w", err)
	}
	if err := r.Plot(dir.File("accuracy.png")); err != nil {
		return err
	}
	if err := r.PlotDelta(dir.File("accuracy-delta.png")); err != nil {
		return err
	}
	return dir.WriteSummary(r.Summary())
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

// cellsHeader names the columns of results.csv, one row per n and ratio.
var cellsHeader = []string{"n_per_class", "ratio", "synthetic_per_class", "seeds", "accuracy_mean", "accuracy_sd",
	"accuracy_min", "accuracy_max", "delta_vs_baseline", "delta_sd", "t", "p_value", "verdict"}

func (r *Results) cellRows() [][]string {
	var rows [][]string
	for _, c := range r.Cells {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, a := range c.Accs {
			lo, hi = math.Min(lo, a), math.Max(hi, a)
		}
		rows = append(rows, []string{strconv.Itoa(c.N), ftoa(c.Ratio), strconv.Itoa(c.Synthetic), strconv.Itoa(len(c.Accs)),
			ftoa(c.Mean), ftoa(c.SD), ftoa(lo), ftoa(hi), ftoa(c.Delta), ftoa(c.DeltaSD), ftoa(c.T), ftoa(c.P), c.Verdict})
	}
	return rows
}

// trialsHeader names the columns of runs.csv, one row per evaluated SVM.
var trialsHeader = []string{"n_per_class", "repetition", "seed", "ratio", "synthetic_per_class", "train_rows", "accuracy", "gmm_components", "synthetic_agreement", "seconds"}

func (r *Results) trialRows() [][]string {
	var rows [][]string
	for _, t := range r.Trials {
		comps := make([]string, len(t.Components))
		for i, k := range t.Components {
			comps[i] = strconv.Itoa(k)
		}
		agree := ""
		if t.Agreement != nil {
			agree = ftoa(*t.Agreement)
		}
		rows = append(rows, []string{strconv.Itoa(t.N), strconv.Itoa(t.Rep), strconv.FormatInt(t.Seed, 10), ftoa(t.Ratio),
			strconv.Itoa(t.Synthetic), strconv.Itoa(t.TrainRows), ftoa(t.Accuracy), strings.Join(comps, " "), agree, ftoa(t.Seconds)})
	}
	return rows
}

// describe summarizes the settings in one line.
func (r *Results) describe() string {
	s := r.Settings
	feat := "raw features"
	switch s.FeatureKind {
	case "pca":
		fit := "the unlabelled training pool"
		if s.PCAFit == "labelled" {
			fit = "each real labelled subset"
		}
		feat = fmt.Sprintf("PCA to %d dimensions fitted on %s", s.PCAComponents, fit)
	case "classifier":
		feat = fmt.Sprintf("the %d-dimensional penultimate-layer embedding of the classifier in %s", r.EmbeddingDim, s.ClassifierRun)
	}
	if s.Standardize {
		feat += ", standardized with the real subset's statistics"
	}
	return fmt.Sprintf("%s (%d classes, pool %d rows, test %d rows, %d raw features); %s; "+
		"generator: %s; SVM: %s kernel, C %g, gamma %s, standardize %v; %d seeds",
		r.Dataset, len(r.Classes), r.PoolRows, r.TestRows, r.RawDim, feat,
		r.generatorWords(), s.SVMKernel, s.SVMC, s.SVMGamma, s.SVMStandardize, s.Seeds)
}

// generatorWords describes the generator.
func (r *Results) generatorWords() string {
	s := r.Settings
	if s.GeneratorKind == "gan" {
		return fmt.Sprintf("class-conditional %s GAN from %s (latent %d), its images mapped through the same features", r.GANArch, s.GANRun, r.GANLatent)
	}
	return fmt.Sprintf("per-class GMM (%s covariance, reg_covar %g, K ∈ %v by BIC, clip %v)", s.GMMCovariance, s.GMMRegCovar, s.GMMComponents, s.Clip)
}

// generatorName is the generator's short name for titles.
func (r *Results) generatorName() string {
	if r.Settings.GeneratorKind == "gan" {
		return "cGAN"
	}
	return "GMM"
}

// agreement returns, per n, the mean share of GAN samples the classifier
// assigned to their requested class, over the trials that drew any.
func (r *Results) agreement() map[int]float64 {
	sum, cnt := map[int]float64{}, map[int]int{}
	for _, t := range r.Trials {
		if t.Agreement != nil {
			sum[t.N] += *t.Agreement
			cnt[t.N]++
		}
	}
	out := map[int]float64{}
	for n, c := range cnt {
		out[n] = sum[n] / float64(c)
	}
	return out
}

// Markdown renders the results table with the verdicts and a short reading
// per subset size.
func (r *Results) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Augmentation study: %s\n\n%s.\n\n", r.Dataset, r.describe())
	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "**Warning:** %s.\n\n", w)
	}
	b.WriteString("| n per class | ratio | synthetic per class | accuracy (mean ± sd) | Δ vs baseline (mean ± sd) | p (paired t) | verdict |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|---|\n")
	for _, c := range r.Cells {
		delta, p := "–", "–"
		if c.Verdict != VerdictBaseline {
			delta = fmt.Sprintf("%+.4f ± %.4f", c.Delta, c.DeltaSD)
			p = fmt.Sprintf("%.3g", c.P)
		}
		fmt.Fprintf(&b, "| %d | %g | %d | %.4f ± %.4f | %s | %s | %s |\n", c.N, c.Ratio, c.Synthetic, c.Mean, c.SD, delta, p, c.Verdict)
	}
	fmt.Fprintf(&b, "\nVerdicts come from a two-sided paired t-test over the %d seeds at level %g (each seed's augmented SVM is paired with the baseline SVM on the same real subset): "+
		"**helps** = significantly higher accuracy than the baseline, **does not help** = significantly lower, **within noise** = no significant difference. "+
		"With this few seeds only clear effects reach significance; and since the table makes %d comparisons, about %.1f of them would come out significant by chance alone, "+
		"so an isolated verdict with p near %g is weak evidence.\n\n", r.Settings.Seeds, r.Settings.Alpha, r.comparisons(), float64(r.comparisons())*r.Settings.Alpha, r.Settings.Alpha)
	b.WriteString("Reading:\n\n")
	for _, line := range r.readings() {
		fmt.Fprintf(&b, "- %s\n", line)
	}
	comp := r.componentCounts()
	if len(comp) > 0 {
		b.WriteString("\nMixture sizes chosen by BIC (count of class mixtures with K components, over all seeds):\n\n")
		for _, n := range r.Settings.NPerClass {
			fmt.Fprintf(&b, "- n = %d: %s\n", n, comp[n])
		}
	}
	if agree := r.agreement(); len(agree) > 0 {
		b.WriteString("\nShare of the GAN's images that the feature classifier assigns to the class they were generated for (mean over seeds and ratios):\n\n")
		for _, n := range r.Settings.NPerClass {
			if a, ok := agree[n]; ok {
				fmt.Fprintf(&b, "- n = %d: %.3f\n", n, a)
			}
		}
	}
	return b.String()
}

// comparisons counts the augmented cells, each one test against its baseline.
func (r *Results) comparisons() int {
	k := 0
	for _, c := range r.Cells {
		if c.Verdict != VerdictBaseline {
			k++
		}
	}
	return k
}

// readings states, per n, the baseline, the best ratio and what the verdicts say.
func (r *Results) readings() []string {
	var out []string
	for _, n := range r.Settings.NPerClass {
		var base *Cell
		var best *Cell
		count := map[string]int{}
		for i := range r.Cells {
			c := &r.Cells[i]
			if c.N != n {
				continue
			}
			if c.Verdict == VerdictBaseline {
				base = c
				continue
			}
			count[c.Verdict]++
			if best == nil || c.Delta > best.Delta {
				best = c
			}
		}
		if base == nil || best == nil {
			continue
		}
		var words string
		switch {
		case count[VerdictHelps] > 0:
			words = fmt.Sprintf("augmentation helps at %d of %d ratios", count[VerdictHelps], count[VerdictHelps]+count[VerdictDoesNotHelp]+count[VerdictNoise])
		case count[VerdictDoesNotHelp] > 0 && count[VerdictNoise] == 0:
			words = "augmentation does not help: every ratio is significantly worse than the baseline"
		case count[VerdictDoesNotHelp] > 0:
			words = fmt.Sprintf("augmentation does not help: %d ratio(s) significantly worse, the rest within noise", count[VerdictDoesNotHelp])
		default:
			words = "augmentation does not help measurably: every ratio is within noise of the baseline"
		}
		out = append(out, fmt.Sprintf("n = %d per class: baseline %.4f ± %.4f; best ratio %g gives %.4f (Δ %+.4f, p %.3g); %s.",
			n, base.Mean, base.SD, best.Ratio, best.Mean, best.Delta, best.P, words))
	}
	return out
}

// componentCounts describes, per n, how often BIC chose each K.
func (r *Results) componentCounts() map[int]string {
	counts := map[int]map[int]int{}
	seen := map[[2]int]bool{}
	for _, t := range r.Trials {
		if seen[[2]int{t.N, t.Rep}] || len(t.Components) == 0 {
			continue
		}
		seen[[2]int{t.N, t.Rep}] = true
		if counts[t.N] == nil {
			counts[t.N] = map[int]int{}
		}
		for _, k := range t.Components {
			counts[t.N][k]++
		}
	}
	out := map[int]string{}
	for n, m := range counts {
		ks := make([]int, 0, len(m))
		for k := range m {
			ks = append(ks, k)
		}
		sort.Ints(ks)
		parts := make([]string, len(ks))
		for i, k := range ks {
			parts[i] = fmt.Sprintf("K=%d ×%d", k, m[k])
		}
		out[n] = strings.Join(parts, ", ")
	}
	return out
}

// Plot draws accuracy against ratio, one line per n with ± one standard
// deviation over the seeds, plus a flat line at each n's baseline mean.
func (r *Results) Plot(path string) error {
	curves, ns := r.curvesPerN(func(c Cell) (float64, float64) { return c.Mean, c.SD })
	var series []viz.Series
	for i, s := range curves {
		series = append(series, s)
		if j := slices.Index(s.X, 0); j >= 0 && !math.IsNaN(s.Y[j]) && len(s.X) > 1 {
			series = append(series, viz.Series{Name: fmt.Sprintf("n=%d baseline", ns[i]),
				X: []float64{s.X[0], s.X[len(s.X)-1]}, Y: []float64{s.Y[j], s.Y[j]}})
		}
	}
	title := fmt.Sprintf("SVM accuracy with %s augmentation, %s (mean ± sd over %d seeds)", r.generatorName(), r.Dataset, r.Settings.Seeds)
	if err := viz.LinePlot(path, title, "synthetic-to-real ratio (0 = no augmentation)", "test accuracy", series); err != nil {
		return fmt.Errorf("drawing %s: %w", path, err)
	}
	return nil
}

// PlotDelta draws the mean paired accuracy difference to the baseline
// against ratio, one line per n with ± one standard deviation of the
// differences, and a zero line: points above zero are gains.
func (r *Results) PlotDelta(path string) error {
	series, _ := r.curvesPerN(func(c Cell) (float64, float64) { return c.Delta, c.DeltaSD })
	if len(series) == 0 {
		return fmt.Errorf("drawing %s: no results", path)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range series {
		lo, hi = math.Min(lo, slices.Min(s.X)), math.Max(hi, slices.Max(s.X))
	}
	series = append(series, viz.Series{Name: "no change", X: []float64{lo, hi}, Y: []float64{0, 0}})
	title := fmt.Sprintf("Accuracy gain over no augmentation, %s (paired, mean ± sd over %d seeds)", r.Dataset, r.Settings.Seeds)
	if err := viz.LinePlot(path, title, "synthetic-to-real ratio", "accuracy − baseline accuracy", series); err != nil {
		return fmt.Errorf("drawing %s: %w", path, err)
	}
	return nil
}

// curvesPerN returns one series per n of the settings that has cells: the
// cells' ratios against the value and error bar that of picks, and the n of
// each series.
func (r *Results) curvesPerN(of func(Cell) (value, sd float64)) ([]viz.Series, []int) {
	var series []viz.Series
	var ns []int
	for _, n := range r.Settings.NPerClass {
		s := viz.Series{Name: fmt.Sprintf("n=%d per class", n)}
		for _, c := range r.Cells {
			if c.N == n {
				y, sd := of(c)
				s.X, s.Y, s.YErr = append(s.X, c.Ratio), append(s.Y, y), append(s.YErr, sd)
			}
		}
		if len(s.X) > 0 {
			series, ns = append(series, s), append(ns, n)
		}
	}
	return series, ns
}

// Summary returns the headline numbers for summary.json.
func (r *Results) Summary() map[string]any {
	perN := map[string]any{}
	for _, n := range r.Settings.NPerClass {
		entry := map[string]any{}
		verdicts := map[string]string{}
		bestDelta := math.Inf(-1)
		for _, c := range r.Cells {
			if c.N != n {
				continue
			}
			if c.Verdict == VerdictBaseline {
				entry["baseline_accuracy_mean"] = c.Mean
				entry["baseline_accuracy_sd"] = c.SD
				continue
			}
			verdicts[ftoa(c.Ratio)] = c.Verdict
			if c.Delta > bestDelta {
				bestDelta = c.Delta
				entry["best_ratio"] = c.Ratio
				entry["best_accuracy_mean"] = c.Mean
				entry["best_delta"] = c.Delta
				entry["best_p_value"] = c.P
			}
		}
		entry["verdicts"] = verdicts
		perN[strconv.Itoa(n)] = entry
	}
	out := map[string]any{
		"generator":   r.Settings.GeneratorKind,
		"features":    r.Settings.FeatureKind,
		"dataset":     r.Dataset,
		"classes":     len(r.Classes),
		"pool_rows":   r.PoolRows,
		"test_rows":   r.TestRows,
		"raw_dim":     r.RawDim,
		"feature_dim": r.FeatureDim,
		"svms":        len(r.Trials),
		"seeds":       r.Settings.Seeds,
		"per_n":       perN,
		"seconds":     r.Seconds,
		"device":      r.Device,
	}
	if r.Settings.GeneratorKind == "gan" {
		out["gan_run"] = r.Settings.GANRun
	}
	if r.Settings.FeatureKind == "classifier" {
		out["classifier_run"] = r.Settings.ClassifierRun
		out["embedding_dim"] = r.EmbeddingDim
	}
	if len(r.Warnings) > 0 {
		out["warnings"] = r.Warnings
	}
	out[runs.SourceKey] = r.Settings.sources()
	if agree := r.agreement(); len(agree) > 0 {
		m := map[string]float64{}
		for n, a := range agree {
			m[strconv.Itoa(n)] = a
		}
		out["synthetic_agreement"] = m
	}
	return out
}

// sources is what summary.json records as runs.SourceKey: the GAN and
// classifier runs the study draws on, or its data when it uses none.
func (s Settings) sources() []string {
	var used []string
	if s.GeneratorKind == "gan" {
		used = append(used, s.GANRun)
	}
	if s.FeatureKind == "classifier" {
		used = append(used, s.ClassifierRun)
	}
	if len(used) == 0 {
		used = []string{s.Source, s.TestSource}
	}
	return runs.Sources(used...)
}
