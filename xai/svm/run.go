package svm

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"genxai/config"
	"genxai/data"
	"genxai/runs"
	"genxai/viz"

	"genxai/xai/progress"
)

// ParamsFromConfig returns the fit settings of a config of config.SVMSchema.
func ParamsFromConfig(c *config.Config) Params {
	return Params{
		Kernel: c.String("kernel"), C: c.Float("c"), Gamma: c.String("gamma"), Degree: c.Int("degree"),
		Coef0: c.Float("coef0"), Tol: c.Float("tol"), CacheMB: c.Float("cache_mb"), Shrinking: c.Bool("shrinking"),
		Probability: c.Bool("probability"), Standardize: c.Bool("standardize"), MaxIter: c.Int("max_iter"),
		Workers: c.Int("workers"), Seed: int64(c.Int("seed")),
	}
}

// RunFromConfig is `genxai svm`: it reads the train and test CSV files of a
// config of config.SVMSchema, fits a C-SVC (Fit), predicts the test rows and
// writes the run directory: config.yaml (the resolved config), summary.json
// (accuracy, support vectors, fit and predict seconds, the confusion
// matrix), model.json (the model and the table encoding; Load reads it
// back), predictions.csv (true and predicted label per test row, with
// class probabilities when probability is set) and confusion.png. Progress
// and warnings go to log, the result line to stdout. It returns the summary.
// Ctrl-C (ctx cancelled) stops the fit with a *progress.Interrupted before
// anything is written into the run directory.
func RunFromConfig(ctx context.Context, c *config.Config, stdout, log io.Writer) (map[string]any, error) {
	p := ParamsFromConfig(c)
	if err := p.Validate(); err != nil {
		return nil, err
	}
	trainPath, testPath, label := c.String("train"), c.String("test"), c.String(config.LabelKey)
	tr, err := config.TableOptions(c)
	if err != nil {
		return nil, fmt.Errorf("svm: %w", err)
	}
	train, test, err := data.ReadTablePair(trainPath, testPath, data.ReadOptions{Label: label, Categorical: tr.Categorical, Reference: tr.Reference, Ignore: tr.Ignore})
	if err != nil {
		return nil, fmt.Errorf("svm: %w", err)
	}
	// Categorical columns enter one-hot, one indicator per level.
	enc := data.NewEncoding(train, false)
	xtr, xte := enc.EncodeAll(train.X, train.Rows), enc.EncodeAll(test.X, test.Rows)
	ytr, yte, names, err := ClassLabels(train, test)
	if err != nil {
		return nil, err
	}
	if first := ytr[0]; !slices.ContainsFunc(ytr, func(v int) bool { return v != first }) {
		return nil, fmt.Errorf("svm: %s: every row has label %s in column %q; a classifier needs at least two classes", trainPath, labelName(first, names), label)
	}
	dir, err := runs.CreateNamed(c.String("out"), "svm", c.Bool(config.ForceKey))
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	d := len(enc.Columns())
	fmt.Fprintf(log, "svm: training a %s C-SVC (C=%g, gamma %s) on %d×%d from %s\n", p.Kernel, p.C, p.Gamma, train.Rows, d, trainPath)
	start := time.Now()
	m, err := FitContext(ctx, xtr, train.Rows, d, ytr, p, progress.New(log, "svm"))
	if err != nil {
		return nil, fmt.Errorf("svm: %s: %w", trainPath, err)
	}
	fitSecs := time.Since(start).Seconds()
	start = time.Now()
	pred := m.Predict(xte, test.Rows)
	predSecs := time.Since(start).Seconds()
	var prob [][]float64
	if p.Probability {
		if prob, err = m.PredictProba(xte, test.Rows); err != nil {
			return nil, err
		}
	}
	for _, w := range m.Warnings() {
		fmt.Fprintln(log, "svm: warning:", w)
	}
	s := score(m, yte, pred, names)
	summary := map[string]any{
		"accuracy":            s.accuracy,
		"n_support":           m.NSupport(),
		"n_support_per_class": m.NSupportPerClass(),
		"fit_seconds":         fitSecs,
		"predict_seconds":     predSecs,
		"classes":             s.classNames,
		"gamma":               m.Gamma(),
		"iterations":          s.iterations,
		"train_rows":          train.Rows,
		"test_rows":           test.Rows,
		"features":            d,
		"workers":             p.Workers,
		"confusion_labels":    s.allNames,
		"confusion":           s.confusion,
		"warnings":            m.Warnings(),
	}
	if len(s.allNames) > len(s.classNames) {
		summary["test_only_classes"] = s.allNames[len(s.classNames):]
	}
	if err := dir.WriteConfig(c.Settings()); err != nil {
		return nil, err
	}
	if err := dir.WriteJSON("model.json", m.file(enc, names)); err != nil {
		return nil, err
	}
	if err := writePredictions(dir.File("predictions.csv"), s.classNames, yte, pred, prob, names); err != nil {
		return nil, err
	}
	if err := viz.Heatmap(dir.File("confusion.png"), fmt.Sprintf("Confusion matrix, test accuracy %.4f (rows: true, columns: predicted)", s.accuracy),
		s.allNames, s.allNames, s.counts(), false); err != nil {
		return nil, err
	}
	summary[runs.SourceKey] = runs.Sources(trainPath, testPath)
	if err := dir.WriteSummary(summary); err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "accuracy %.4f  support vectors %d  fit %.3fs  predict %.3fs\nwrote %s\n",
		s.accuracy, m.NSupport(), fitSecs, predSecs, dir.Path)
	return summary, nil
}

// scores are the test results of a fitted model.
type scores struct {
	accuracy   float64
	iterations int      // SMO iterations over all binary problems
	classNames []string // the training classes, in the model's order
	allNames   []string // the training classes, then classes seen only in the test file
	confusion  [][]int  // [true][predicted] over allNames
}

// score compares the predictions with the true test labels.
func score(m *Model, yte, pred []int, names []string) scores {
	var s scores
	correct := 0
	for i := range pred {
		if pred[i] == yte[i] {
			correct++
		}
	}
	s.accuracy = float64(correct) / float64(len(pred))
	for _, v := range m.Iterations() {
		s.iterations += v
	}
	classes := m.Classes()
	all := slices.Clone(classes)
	for _, v := range yte {
		if !slices.Contains(all, v) {
			all = append(all, v)
		}
	}
	for _, c := range all {
		s.allNames = append(s.allNames, labelName(c, names))
	}
	s.classNames = s.allNames[:len(classes):len(classes)]
	s.confusion = make([][]int, len(all))
	for i := range s.confusion {
		s.confusion[i] = make([]int, len(all))
	}
	for i := range pred {
		s.confusion[slices.Index(all, yte[i])][slices.Index(all, pred[i])]++
	}
	return s
}

// counts returns the confusion matrix as numbers for a heatmap.
func (s scores) counts() [][]float64 {
	out := make([][]float64, len(s.confusion))
	for i, row := range s.confusion {
		out[i] = make([]float64, len(row))
		for j, v := range row {
			out[i][j] = float64(v)
		}
	}
	return out
}

// writePredictions writes predictions.csv: row, true and predicted label,
// and p_<class> columns when prob is not nil.
func writePredictions(path string, classNames []string, yte, pred []int, prob [][]float64, names []string) error {
	return runs.WriteFileAtomic(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		head := []string{"row", "true", "predicted"}
		if prob != nil {
			for _, n := range classNames {
				head = append(head, "p_"+n)
			}
		}
		if err := cw.Write(head); err != nil {
			return err
		}
		for i := range pred {
			rec := []string{strconv.Itoa(i), labelName(yte[i], names), labelName(pred[i], names)}
			if prob != nil {
				for _, v := range prob[i] {
					rec = append(rec, strconv.FormatFloat(v, 'g', 6, 64))
				}
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
}
