package main

import (
	"github.com/spf13/cobra"

	"genxai/config"
	"genxai/xai/compare"
)

func init() {
	cmd := &cobra.Command{
		Use:   "compare -c configs/compare-NAME.yaml [--set key=value]... [--out DIR]",
		Short: "Compare generative and discriminative classifiers across training-set sizes (Ng and Jordan, 2002)",
		Long: `compare draws training subsets of growing size (rows per class, then the whole
training pool) from a data set, several seeds each, fits generative
classifiers (Gaussian naive Bayes, a Gaussian mixture per class) and
discriminative ones (ridge logistic regression, linear and RBF SVMs) on the
same subsets, and scores each on the same held-out test set. At every size a
paired t-test over the seeds decides whether the best generative or the best
discriminative model wins; the crossover Ng and Jordan predict (generative
better with few rows, discriminative with many) is reported as found or not
found. The run directory receives results.csv (mean ± sd per size and model),
trials.csv, accuracy.png, results.md, summary.json and config.yaml.

Settings come from -c CONFIG, then GENXAI_* environment variables, then
--set key=value, then the flags, each a shorthand for its key (--svm-c sets
svm_c; the lists sizes and gmm_components only through --set, e.g.
--set sizes=[10,100]; docs/config.md, docs/compare.md).`,
	}
	schema := config.CompareSchema()
	// Integer lists (sizes, gmm_components) have no flag form: --set them.
	rootCmd.AddCommand(configure(cmd, schema, scalarFlags(schema), interruptible(cmd, compare.RunFromConfig, true)))
}
