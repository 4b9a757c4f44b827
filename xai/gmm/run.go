package gmm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"genxai/config"
	"genxai/data"
	"genxai/runs"

	"genxai/xai/progress"
)

// ParamsFromConfig returns the fit settings of a config of config.GMMSchema.
// A reg_covar of 0 becomes Params.RegCovar −1, which means exactly zero.
func ParamsFromConfig(c *config.Config) Params {
	p := Params{
		Components: c.Int("components"), Covariance: c.String("covariance"), NInit: c.Int("n_init"),
		MaxIter: c.Int("max_iter"), Tol: c.Float("tol"), RegCovar: c.Float("reg_covar"), Seed: int64(c.Int("seed")),
	}
	if p.RegCovar == 0 {
		p.RegCovar = -1
	}
	return p
}

// RunFromConfig is `genxai gmm`: it reads the train (and optional test) CSV
// of a config of config.GMMSchema, leaving out the label column, fits a
// mixture by EM (Fit) and writes the run directory: config.yaml (the
// resolved config), model.json (features, weights, means, covariances) and
// summary.json (train and test mean log-likelihood, BIC, AIC, iterations,
// convergence, seconds). Progress and warnings go to log, the result to
// stdout. It returns the summary. Ctrl-C (ctx cancelled) stops the fit
// with a *progress.Interrupted before anything is written into the run
// directory. With per_class it fits one mixture per class instead
// (runPerClass).
func RunFromConfig(ctx context.Context, c *config.Config, stdout, log io.Writer) (map[string]any, error) {
	if c.String("per_class") != "" {
		return runPerClass(ctx, c, stdout, log)
	}
	p := ParamsFromConfig(c)
	trainPath := c.String("train")
	tr, err := config.TableOptions(c)
	if err != nil {
		return nil, fmt.Errorf("gmm: %w", err)
	}
	train, test, err := data.ReadTablePair(trainPath, c.String("test"), data.ReadOptions{Label: c.String(config.LabelKey), Categorical: tr.Categorical, Reference: tr.Reference, Weight: tr.Weight, Ignore: tr.Ignore})
	if err != nil {
		return nil, fmt.Errorf("gmm: %w", err)
	}
	// Categorical columns enter one-hot, their reference level dropped (a
	// full set of indicators sums to 1, a singular direction).
	enc := data.NewEncoding(train, true)
	xtr, features := enc.EncodeAll(train.X, train.Rows), enc.Columns()
	p.Weights = train.Weights
	dir, err := runs.CreateNamed(c.String("out"), "gmm", c.Bool(config.ForceKey))
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	d := len(features)
	fmt.Fprintf(log, "gmm: fitting %d %s components to %d×%d from %s (n_init %d)\n",
		p.Components, p.Covariance, train.Rows, d, trainPath, p.NInit)
	start := time.Now()
	m, err := FitContext(ctx, xtr, train.Rows, d, p, progress.New(log, "gmm"))
	var stopped *progress.Interrupted
	if errors.As(err, &stopped) {
		return nil, err // it names the task and says what was kept
	}
	if err != nil {
		return nil, fmt.Errorf("gmm: %s: %w", trainPath, err)
	}
	secs := time.Since(start).Seconds()
	summary := map[string]any{
		"train_mean_loglik": m.MeanLogLikWeighted(xtr, train.Rows, train.Weights),
		"bic":               m.BIC(xtr, train.Rows),
		"aic":               m.AIC(xtr, train.Rows),
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
		summary["test_mean_loglik"] = m.MeanLogLikWeighted(enc.EncodeAll(test.X, test.Rows), test.Rows, test.Weights)
		summary["test_rows"] = test.Rows
	}
	if train.Weights != nil {
		summary["weight_column"] = train.WeightColumn
		summary["bic_aic_on"] = "the rows unweighted"
	}
	if !m.Converged {
		fmt.Fprintf(log, "gmm: warning: EM did not converge within %d iterations (tol %g); raise max_iter or tol\n", p.MaxIter, p.Tol)
	}
	means := make([][]float64, m.K)
	for k := range means {
		means[k] = m.Mean(k)
	}
	model := map[string]any{
		"covariance":  m.Covariance,
		"features":    features,
		"weights":     m.Weights,
		"means":       means,
		"covariances": m.Covariances(),
		"encoding":    enc,
	}
	if err := dir.WriteConfig(c.Settings()); err != nil {
		return nil, err
	}
	if err := dir.WriteJSON("model.json", model); err != nil {
		return nil, err
	}
	summary[runs.SourceKey] = runs.Sources(trainPath, c.String("test"))
	if err := dir.WriteSummary(summary); err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "train mean log-likelihood %.6f", summary["train_mean_loglik"])
	if test != nil {
		fmt.Fprintf(stdout, ", test %.6f", summary["test_mean_loglik"])
	}
	fmt.Fprintf(stdout, "\nBIC %.2f  AIC %.2f  iterations %d  converged %v  %.3fs\nwrote %s\n",
		summary["bic"], summary["aic"], m.Iterations, m.Converged, secs, dir.Path)
	return summary, nil
}
