package main

import (
	"github.com/spf13/cobra"

	"genxai/config"
	"genxai/xai/gmm"
)

func init() {
	cmd := &cobra.Command{
		Use:   "gmm --train CSV [--test CSV] [--label COL | --per-class COL] --components K --covariance full|diag|spherical|tied [--n-init N] [--seed S] --out DIR",
		Short: "Fit a Gaussian mixture model to a CSV table by EM",
		Long: `gmm fits a Gaussian mixture by expectation–maximization (k-means++ start,
n-init restarts, covariance regularization) to the numeric columns of a CSV
file with a header. Every column except --label is a feature; the label
column, when named, is ignored. The run directory receives summary.json
(train_mean_loglik, test_mean_loglik with --test, bic, aic, iterations,
converged, seconds), model.json (weights, means, covariances) and config.yaml.

With --per-class COL it fits one mixture per class of the column COL
instead, each with its number of components chosen by BIC among
per_class_components (--set per_class_components=[1,2,3]), and model.json
also keeps the column names, the categorical levels, the classes with their
counts and priors, and each column's training range and moments: a model
that genxai generate --model DIR/model.json samples labelled rows from
(docs/gmm.md, docs/generate.md).

Settings come from -c CONFIG, then GENXAI_* environment variables, then
--set key=value, then the flags, each a shorthand for its key (--n-init sets
n_init, --per-class per_class; docs/config.md).`,
	}
	schema := config.GMMSchema()
	rootCmd.AddCommand(configure(cmd, schema, scalarFlags(schema), interruptible(cmd, gmm.RunFromConfig, true)))
}
