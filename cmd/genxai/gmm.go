package main

import (
	"github.com/spf13/cobra"

	"genxai/config"
	"genxai/xai/gmm"
)

func init() {
	cmd := &cobra.Command{
		Use:   "gmm --train CSV [--test CSV] [--label COL] --components K --covariance full|diag|spherical|tied [--n-init N] [--seed S] --out DIR",
		Short: "Fit a Gaussian mixture model to a CSV table by EM",
		Long: `gmm fits a Gaussian mixture by expectation–maximization (k-means++ start,
n-init restarts, covariance regularization) to the numeric columns of a CSV
file with a header. Every column except --label is a feature; the label
column, when named, is ignored. The run directory receives summary.json
(train_mean_loglik, test_mean_loglik with --test, bic, aic, iterations,
converged, seconds), model.json (weights, means, covariances) and config.yaml.

Settings come from -c CONFIG, then GENXAI_* environment variables, then
--set key=value, then the flags, each a shorthand for its key (--n-init sets
n_init; docs/config.md).`,
	}
	schema := config.GMMSchema()
	rootCmd.AddCommand(configure(cmd, schema, allFlags(schema), interruptible(cmd, gmm.RunFromConfig, true)))
}
