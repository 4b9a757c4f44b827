package main

import (
	"github.com/spf13/cobra"

	"genxai/config"
	"genxai/xai/svm"
)

func init() {
	cmd := &cobra.Command{
		Use:   "svm --train CSV --test CSV --label COL [--kernel rbf] [--C 1] [--gamma scale] [--standardize] --out DIR",
		Short: "Train a C-SVC support vector machine (libsvm's SMO) on a CSV table and score it",
		Long: `svm trains a C-SVC by sequential minimal optimization in the manner of
libsvm (second-order working-set selection, shrinking, an LRU kernel cache),
one-vs-one for more than two classes, on the numeric columns of --train, and
predicts --test. Labels may be integers or strings. The run directory
receives summary.json (accuracy, n_support, fit_seconds, predict_seconds, …),
config.yaml (the resolved config), predictions.csv (true and predicted
label per test row, with class probabilities under --probability) and
confusion.png (test confusion matrix, rows true, columns predicted).

Settings come from -c CONFIG, then GENXAI_* environment variables, then
--set key=value, then the flags, each a shorthand for its key (--C sets c,
--max-iter sets max_iter; docs/config.md).`,
	}
	schema := config.SVMSchema()
	rootCmd.AddCommand(configure(cmd, schema, allFlags(schema, "C=c"), interruptible(cmd, svm.RunFromConfig, true)))
}
