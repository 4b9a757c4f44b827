package gmm

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"genxai/config"
	"genxai/data"
	"genxai/runs"
)

// runPerClass is `genxai gmm --per-class COL`: it reads the train (and
// optional test) CSV with COL as the class column, fits one mixture per
// class with its number of components chosen by BIC (FitPerClass) and
// writes model.json (a TableModel), summary.json and config.yaml. The
// summary holds the components, counts and priors of each class and the
// mean log-likelihood of the joint model log p(y) + log p(x | y) on the
// training rows (and the test rows with --test).
func runPerClass(ctx context.Context, c *config.Config, stdout, log io.Writer) (map[string]any, error) {
	p := ParamsFromConfig(c)
	trainPath, col := c.String("train"), c.String("per_class")
	tr, err := config.TableOptions(c)
	if err != nil {
		return nil, fmt.Errorf("gmm: %w", err)
	}
	train, test, err := data.ReadTablePair(trainPath, c.String("test"), data.ReadOptions{Label: col, Categorical: tr.Categorical, Reference: tr.Reference, Ignore: tr.Ignore})
	if err != nil {
		return nil, fmt.Errorf("gmm --per-class %s: %w", col, err)
	}
	classes, y, err := ClassLevels(train)
	if err != nil {
		return nil, fmt.Errorf("gmm --per-class %s: %s: %w", col, trainPath, err)
	}
	enc := data.NewEncoding(train, true)
	X, d := enc.EncodeAll(train.X, train.Rows), len(enc.Columns())
	ks := slices.Clone(c.Ints("per_class_components"))
	slices.Sort(ks)
	ks = slices.Compact(ks)
	dir, err := runs.CreateNamed(c.String("out"), "gmm", c.Bool(config.ForceKey))
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	fmt.Fprintf(log, "gmm: fitting one %s mixture per class of %q (%d classes, components by BIC among %v) to %d×%d from %s\n",
		p.Covariance, col, len(classes), ks, train.Rows, d, trainPath)
	start := time.Now()
	g, err := FitPerClass(X, train.Rows, d, y, len(classes), ks, p)
	if err != nil {
		return nil, fmt.Errorf("gmm --per-class %s: %s: %w", col, trainPath, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	secs := time.Since(start).Seconds()
	tm := NewTableModel(train, classes, y, enc, g, ks)
	summary := map[string]any{
		"per_class":         col,
		"classes":           classes,
		"class_counts":      tm.ClassCounts,
		"components":        g.Components(),
		"covariance":        tm.Covariance,
		"train_rows":        train.Rows,
		"features":          d,
		"train_mean_loglik": tm.meanJointLogLik(X, y),
		"fit_seconds":       secs,
	}
	if test != nil {
		ty, err := classesLike(test, classes)
		if err != nil {
			return nil, fmt.Errorf("gmm --per-class %s: %s: %w", col, c.String("test"), err)
		}
		summary["test_mean_loglik"] = tm.meanJointLogLik(enc.EncodeAll(test.X, test.Rows), ty)
		summary["test_rows"] = test.Rows
	}
	if err := dir.WriteConfig(c.Settings()); err != nil {
		return nil, err
	}
	if err := dir.WriteJSON("model.json", tm); err != nil {
		return nil, err
	}
	summary[runs.SourceKey] = runs.Sources(trainPath, c.String("test"))
	if err := dir.WriteSummary(summary); err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "%d classes of %q; components by BIC per class:", len(classes), col)
	for k, name := range classes {
		fmt.Fprintf(stdout, " %s=%d (%d rows)", name, tm.Mixtures[k].Components, tm.ClassCounts[k])
	}
	fmt.Fprintf(stdout, "\ntrain mean log-likelihood %.6f", summary["train_mean_loglik"])
	if test != nil {
		fmt.Fprintf(stdout, ", test %.6f", summary["test_mean_loglik"])
	}
	fmt.Fprintf(stdout, "  %.3fs\nwrote %s (sample it with genxai generate --model %s)\n", secs, dir.Path, dir.File("model.json"))
	return summary, nil
}

// meanJointLogLik is the mean over rows of log p(yᵢ) + log p(xᵢ | yᵢ).
func (tm *TableModel) meanJointLogLik(X []float64, y []int) float64 {
	d := len(tm.Features)
	s := 0.0
	for i, c := range y {
		s += math.Log(tm.ClassPriors[c]) + tm.models[c].ScoreSamples(X[i*d:(i+1)*d], 1)[0]
	}
	return s / float64(len(y))
}

// classesLike maps the classes of a test table to the indices of the
// training classes; a class training never saw is an error.
func classesLike(t *data.Table, classes []string) ([]int, error) {
	levels, y, err := ClassLevels(t)
	if err != nil {
		return nil, err
	}
	out := make([]int, len(y))
	for i, c := range y {
		k := slices.Index(classes, levels[c])
		if k < 0 {
			return nil, fmt.Errorf("row %d has class %q, which the training rows never show (classes %s)", i+1, levels[c], strings.Join(classes, ", "))
		}
		out[i] = k
	}
	return out, nil
}
