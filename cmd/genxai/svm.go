package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"genxai/data"
	"genxai/runs"
	"genxai/viz"
	"genxai/xai/svm"
)

func init() {
	var (
		trainPath, testPath, label, out string
		p                               = svm.DefaultParams()
	)
	cmd := &cobra.Command{
		Use:   "svm --train CSV --test CSV --label COL [--kernel rbf] [--C 1] [--gamma scale] [--standardize] --out DIR",
		Short: "Train a C-SVC support vector machine (libsvm's SMO) on a CSV table and score it",
		Long: `svm trains a C-SVC by sequential minimal optimization in the manner of
libsvm (second-order working-set selection, shrinking, an LRU kernel cache),
one-vs-one for more than two classes, on the numeric columns of --train, and
predicts --test. Labels may be integers or strings. The run directory
receives summary.json (accuracy, n_support, fit_seconds, predict_seconds, …),
config.yaml (the resolved flags), predictions.csv (true and predicted
label per test row, with class probabilities under --probability) and
confusion.png (test confusion matrix, rows true, columns predicted).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSVM(cmd, trainPath, testPath, label, out, p)
		},
	}
	f := cmd.Flags()
	f.StringVar(&trainPath, "train", "", "training CSV file (header required)")
	f.StringVar(&testPath, "test", "", "test CSV file with the same columns")
	f.StringVar(&label, "label", "", "name of the label column")
	f.StringVar(&p.Kernel, "kernel", p.Kernel, "kernel: linear, rbf, poly or sigmoid")
	f.Float64Var(&p.C, "C", p.C, "cost of a margin violation (box constraint), > 0")
	f.StringVar(&p.Gamma, "gamma", p.Gamma, `kernel coefficient: "scale" (1/(features·Var X)), "auto" (1/features) or a number`)
	f.IntVar(&p.Degree, "degree", p.Degree, "degree of the poly kernel")
	f.Float64Var(&p.Coef0, "coef0", p.Coef0, "independent term of the poly and sigmoid kernels")
	f.Float64Var(&p.Tol, "tol", p.Tol, "stopping tolerance on the maximal KKT violation")
	f.Float64Var(&p.CacheMB, "cache-mb", p.CacheMB, "kernel cache size in MB")
	f.BoolVar(&p.Shrinking, "shrinking", p.Shrinking, "use libsvm's shrinking heuristic")
	f.BoolVar(&p.Probability, "probability", false, "fit Platt-scaled probabilities (5-fold internal CV, slower)")
	f.BoolVar(&p.Standardize, "standardize", false, "scale features to zero mean, unit variance (statistics from --train)")
	f.IntVar(&p.MaxIter, "max-iter", 0, "iteration bound per binary problem (0: libsvm's default)")
	f.IntVar(&p.Workers, "workers", 0, "one-vs-one problems solved in parallel (0: all cores, 1: sequential as libsvm)")
	f.Int64Var(&p.Seed, "seed", 0, "seed of the probability cross-validation folds")
	f.StringVar(&out, "out", "", "run directory (default runs/svm-<time>)")
	rootCmd.AddCommand(cmd)
}

// svmLabels turns the label column of t into integer classes. String labels
// are mapped through names (extended with names first seen in t); numeric
// labels must be integers.
func svmLabels(t *data.Table, path string, names *[]string) ([]int, error) {
	if t.LabelNames != nil {
		y := make([]int, t.Rows)
		if *names == nil {
			*names = []string{}
		}
		for i, v := range t.Y {
			name := t.LabelNames[int(v)]
			k := slices.Index(*names, name)
			if k < 0 {
				k = len(*names)
				*names = append(*names, name)
			}
			y[i] = k
		}
		return y, nil
	}
	if *names != nil {
		return nil, fmt.Errorf("svm: %s has numeric labels in column %q but the training file has text labels; use the same kind of label in both", path, t.Label)
	}
	y, err := svm.TableLabels(t)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return y, nil
}

func runSVM(cmd *cobra.Command, trainPath, testPath, label, out string, p svm.Params) error {
	switch {
	case trainPath == "":
		return fmt.Errorf("svm: --train is required: the CSV file to fit")
	case testPath == "":
		return fmt.Errorf("svm: --test is required: the CSV file to score")
	case label == "":
		return fmt.Errorf("svm: --label is required: the name of the class column")
	}
	if err := p.Validate(); err != nil {
		return err
	}
	train, err := data.ReadCSV(trainPath, label)
	if err != nil {
		return err
	}
	test, err := data.ReadCSV(testPath, label)
	if err != nil {
		return err
	}
	if !slices.Equal(train.Features, test.Features) {
		return fmt.Errorf("svm: %s has feature columns %v but %s has %v; both files need the same columns in the same order",
			testPath, test.Features, trainPath, train.Features)
	}
	d := train.NumFeatures()
	if d == 0 {
		return fmt.Errorf("svm: %s has no feature columns besides the label %q", trainPath, label)
	}
	var names []string
	ytr, err := svmLabels(train, trainPath, &names)
	if err != nil {
		return err
	}
	yte, err := svmLabels(test, testPath, &names)
	if err != nil {
		return err
	}
	if train.LabelNames == nil && test.LabelNames != nil {
		return fmt.Errorf("svm: %s has text labels in column %q but the training file has numeric labels; use the same kind of label in both", testPath, label)
	}
	if first := ytr[0]; !slices.ContainsFunc(ytr, func(v int) bool { return v != first }) {
		return fmt.Errorf("svm: %s: every row has label %s in column %q; a classifier needs at least two classes", trainPath, labelName(first, names), label)
	}
	if out == "" {
		out = "runs/svm-" + time.Now().Format("20060102-150405")
	}
	dir, err := runs.Create(out)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "svm: training a %s C-SVC (C=%g, gamma %s) on %d×%d from %s\n", p.Kernel, p.C, p.Gamma, train.Rows, d, trainPath)
	start := time.Now()
	m, err := svm.Fit(train.X, train.Rows, d, ytr, p)
	if err != nil {
		return fmt.Errorf("svm: %s: %w", trainPath, err)
	}
	fitSecs := time.Since(start).Seconds()
	start = time.Now()
	pred := m.Predict(test.X, test.Rows)
	predSecs := time.Since(start).Seconds()
	var prob [][]float64
	if p.Probability {
		if prob, err = m.PredictProba(test.X, test.Rows); err != nil {
			return err
		}
	}
	for _, w := range m.Warnings() {
		fmt.Fprintln(cmd.ErrOrStderr(), "svm: warning:", w)
	}
	correct := 0
	for i := range pred {
		if pred[i] == yte[i] {
			correct++
		}
	}
	acc := float64(correct) / float64(len(pred))
	classes := m.Classes()
	classNames := make([]string, len(classes))
	for i, c := range classes {
		classNames[i] = labelName(c, names)
	}
	iters := 0
	for _, v := range m.Iterations() {
		iters += v
	}
	// Confusion matrix over the training classes plus any class seen only in the test file.
	all := append([]int(nil), classes...)
	for _, v := range yte {
		if !slices.Contains(all, v) {
			all = append(all, v)
		}
	}
	allNames := make([]string, len(all))
	for i, c := range all {
		allNames[i] = labelName(c, names)
	}
	conf := make([][]int, len(all))
	for i := range conf {
		conf[i] = make([]int, len(all))
	}
	for i := range pred {
		conf[slices.Index(all, yte[i])][slices.Index(all, pred[i])]++
	}
	summary := map[string]any{
		"accuracy":            acc,
		"n_support":           m.NSupport(),
		"n_support_per_class": m.NSupportPerClass(),
		"fit_seconds":         fitSecs,
		"predict_seconds":     predSecs,
		"classes":             classNames,
		"gamma":               m.Gamma(),
		"iterations":          iters,
		"train_rows":          train.Rows,
		"test_rows":           test.Rows,
		"features":            d,
		"workers":             p.Workers,
		"confusion_labels":    allNames,
		"confusion":           conf,
		"warnings":            m.Warnings(),
	}
	if len(all) > len(classes) {
		summary["test_only_classes"] = allNames[len(classes):]
	}
	settings := map[string]any{
		"train": trainPath, "test": testPath, "label": label, "kernel": p.Kernel, "C": p.C,
		"gamma": p.Gamma, "gamma_value": m.Gamma(), "degree": p.Degree, "coef0": p.Coef0, "tol": p.Tol,
		"cache_mb": p.CacheMB, "shrinking": p.Shrinking, "probability": p.Probability,
		"standardize": p.Standardize, "max_iter": p.MaxIter, "workers": p.Workers, "seed": p.Seed,
	}
	if err := dir.WriteConfig(settings); err != nil {
		return err
	}
	err = runs.WriteFileAtomic(dir.File("predictions.csv"), func(w io.Writer) error {
		head := []string{"row", "true", "predicted"}
		for _, n := range classNames {
			head = append(head, "p_"+n)
		}
		if prob == nil {
			head = head[:3]
		}
		if _, err := fmt.Fprintln(w, csvLine(head)); err != nil {
			return err
		}
		for i := range pred {
			rec := []string{strconv.Itoa(i), labelName(yte[i], names), labelName(pred[i], names)}
			if prob != nil {
				for _, v := range prob[i] {
					rec = append(rec, strconv.FormatFloat(v, 'g', 6, 64))
				}
			}
			if _, err := fmt.Fprintln(w, csvLine(rec)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	counts := make([][]float64, len(conf))
	for i, row := range conf {
		counts[i] = make([]float64, len(row))
		for j, v := range row {
			counts[i][j] = float64(v)
		}
	}
	if err := viz.Heatmap(dir.File("confusion.png"), fmt.Sprintf("Confusion matrix, test accuracy %.4f (rows: true, columns: predicted)", acc),
		allNames, allNames, counts, false); err != nil {
		return err
	}
	if err := dir.WriteSummary(summary); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "accuracy %.4f  support vectors %d  fit %.3fs  predict %.3fs\nwrote %s\n",
		acc, m.NSupport(), fitSecs, predSecs, dir.Path)
	return nil
}

// labelName prints class c: its text label when the file had text labels.
func labelName(c int, names []string) string {
	if names != nil && c >= 0 && c < len(names) {
		return names[c]
	}
	return strconv.Itoa(c)
}

// csvLine joins fields into one CSV record, quoting where needed.
func csvLine(fields []string) string {
	out := make([]string, len(fields))
	for i, f := range fields {
		if strings.ContainsAny(f, ",\"\n\r") {
			f = `"` + strings.ReplaceAll(f, `"`, `""`) + `"`
		}
		out[i] = f
	}
	return strings.Join(out, ",")
}
