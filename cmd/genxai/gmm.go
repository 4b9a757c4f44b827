package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"genxai/data"
	"genxai/runs"
	"genxai/xai/gmm"
)

func init() {
	var (
		trainPath, testPath, label, covariance, out string
		p                                           gmm.Params
	)
	cmd := &cobra.Command{
		Use:   "gmm --train CSV [--test CSV] [--label COL] --components K --covariance full|diag|spherical|tied [--n-init N] [--seed S] --out DIR",
		Short: "Fit a Gaussian mixture model to a CSV table by EM",
		Long: `gmm fits a Gaussian mixture by expectation–maximization (k-means++ start,
n-init restarts, covariance regularization) to the numeric columns of a CSV
file with a header. Every column except --label is a feature; the label
column, when named, is ignored. The run directory receives summary.json
(train_mean_loglik, test_mean_loglik with --test, bic, aic, iterations,
converged, seconds), model.json (weights, means, covariances) and config.yaml.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p.Covariance = covariance
			return runGMM(cmd, trainPath, testPath, label, out, p)
		},
	}
	f := cmd.Flags()
	f.StringVar(&trainPath, "train", "", "training CSV file (header required)")
	f.StringVar(&testPath, "test", "", "held-out CSV file with the same columns, scored with the fitted model")
	f.StringVar(&label, "label", "", "name of a label column to leave out of the features")
	f.IntVar(&p.Components, "components", 1, "number of mixture components K")
	f.StringVar(&covariance, "covariance", gmm.Full, "covariance structure: "+strings.Join(gmm.CovarianceTypes, ", "))
	f.IntVar(&p.NInit, "n-init", 1, "EM restarts from different k-means++ seeds; the best likelihood is kept")
	f.IntVar(&p.MaxIter, "max-iter", 100, "maximum EM iterations per restart")
	f.Float64Var(&p.Tol, "tol", 1e-3, "convergence threshold on the change of the mean log-likelihood")
	f.Float64Var(&p.RegCovar, "reg-covar", 1e-6, "added to the diagonal of every covariance")
	f.Int64Var(&p.Seed, "seed", 0, "random seed for the k-means++ initializations")
	f.StringVar(&out, "out", "", "run directory (default runs/gmm-<time>)")
	rootCmd.AddCommand(cmd)
}

func runGMM(cmd *cobra.Command, trainPath, testPath, label, out string, p gmm.Params) error {
	if trainPath == "" {
		return fmt.Errorf("gmm: --train is required: the CSV file to fit")
	}
	if !slices.Contains(gmm.CovarianceTypes, p.Covariance) {
		return fmt.Errorf("gmm: --covariance %q is not known; use one of %s", p.Covariance, strings.Join(gmm.CovarianceTypes, ", "))
	}
	for _, c := range []struct {
		name string
		v    int
		min  int
	}{{"--components", p.Components, 1}, {"--n-init", p.NInit, 1}, {"--max-iter", p.MaxIter, 1}} {
		if c.v < c.min {
			return fmt.Errorf("gmm: %s %d; need at least %d", c.name, c.v, c.min)
		}
	}
	if !(p.RegCovar >= 0) {
		return fmt.Errorf("gmm: --reg-covar %v; need a number ≥ 0", p.RegCovar)
	}
	if p.RegCovar == 0 {
		p.RegCovar = -1 // gmm.Params: negative means exactly zero
	}
	if !(p.Tol > 0) {
		return fmt.Errorf("gmm: --tol %v; need a number > 0", p.Tol)
	}
	train, err := data.ReadCSV(trainPath, label)
	if err != nil {
		return err
	}
	var test *data.Table
	if testPath != "" {
		if test, err = data.ReadCSV(testPath, label); err != nil {
			return err
		}
		if !slices.Equal(train.Features, test.Features) {
			return fmt.Errorf("gmm: %s has feature columns %v but %s has %v; both files need the same columns in the same order",
				testPath, test.Features, trainPath, train.Features)
		}
	}
	d := train.NumFeatures()
	if d == 0 {
		return fmt.Errorf("gmm: %s has no feature columns besides the label %q", trainPath, label)
	}
	if out == "" {
		out = "runs/gmm-" + time.Now().Format("20060102-150405")
	}
	dir, err := runs.Create(out)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "gmm: fitting %d %s components to %d×%d from %s (n_init %d)\n",
		p.Components, p.Covariance, train.Rows, d, trainPath, p.NInit)
	start := time.Now()
	m, err := gmm.Fit(train.X, train.Rows, d, p)
	if err != nil {
		return fmt.Errorf("gmm: %s: %w", trainPath, err)
	}
	secs := time.Since(start).Seconds()
	summary := map[string]any{
		"train_mean_loglik": m.MeanLogLik(train.X, train.Rows),
		"bic":               m.BIC(train.X, train.Rows),
		"aic":               m.AIC(train.X, train.Rows),
		"iterations":        m.Iterations,
		"converged":         m.Converged,
		"lower_bound":       m.LowerBound,
		"n_parameters":      m.NumParams(),
		"components":        m.K,
		"covariance":        m.Covariance,
		"train_rows":        train.Rows,
		"features":          d,
		"fit_seconds":       secs,
	}
	if test != nil {
		summary["test_mean_loglik"] = m.MeanLogLik(test.X, test.Rows)
		summary["test_rows"] = test.Rows
	}
	if !m.Converged {
		fmt.Fprintf(cmd.ErrOrStderr(), "gmm: warning: EM did not converge within %d iterations (tol %g); raise --max-iter or --tol\n", p.MaxIter, p.Tol)
	}
	means := make([][]float64, m.K)
	for k := range means {
		means[k] = m.Mean(k)
	}
	model := map[string]any{
		"covariance":  m.Covariance,
		"features":    train.Features,
		"weights":     m.Weights,
		"means":       means,
		"covariances": m.Covariances(),
	}
	settings := map[string]any{
		"train": trainPath, "test": testPath, "label": label,
		"components": p.Components, "covariance": p.Covariance, "n_init": p.NInit,
		"max_iter": p.MaxIter, "tol": p.Tol, "reg_covar": max(p.RegCovar, 0), "seed": p.Seed,
	}
	if err := dir.WriteConfig(settings); err != nil {
		return err
	}
	if err := dir.WriteJSON("model.json", model); err != nil {
		return err
	}
	if err := dir.WriteSummary(summary); err != nil {
		return err
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "train mean log-likelihood %.6f", summary["train_mean_loglik"])
	if test != nil {
		fmt.Fprintf(w, ", test %.6f", summary["test_mean_loglik"])
	}
	fmt.Fprintf(w, "\nBIC %.2f  AIC %.2f  iterations %d  converged %v  %.3fs\nwrote %s\n",
		summary["bic"], summary["aic"], m.Iterations, m.Converged, secs, dir.Path)
	return nil
}
