package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"slices"
	"syscall"

	"github.com/spf13/cobra"

	"genxai/config"
	"genxai/xai/glassbox"
)

// glassboxCommon are the flags both glass-box commands share; --target is
// the alias of --label, its first name.
var glassboxCommon = []string{"train", "test", "label", "split", "features", "out", "categorical", "reference", "weight", config.ForceKey}

// glassboxFit runs one glass-box model on a loaded config: the context is
// cancelled by Ctrl-C, progress goes to log.
type glassboxFit func(ctx context.Context, c *config.Config, stdout, log io.Writer) (string, error)

// glassboxCmd configures a glass-box subcommand: its flags are the
// shorthands glassboxCommon, the model's own keys and --target, and it runs
// fit on the loaded config, Ctrl-C stopping it with exit status 130.
func glassboxCmd(cmd *cobra.Command, schema config.Schema, own []string, fit glassboxFit) *cobra.Command {
	configure(cmd, schema, flagsOf(slices.Concat(glassboxCommon, own, []string{"target=" + config.LabelKey})...),
		func(c *config.Config, stdout, log io.Writer) error {
			return withInterrupt(cmd.Context(), func(ctx context.Context) error {
				dir, err := fit(ctx, c, stdout, log)
				if err != nil || dir == "" {
					return err
				}
				return writeReport(stdout, dir)
			})
		})
	cmd.Flags().Lookup("split").NoOptDefVal = "builtin"
	return cmd
}

func init() {
	parent := &cobra.Command{
		Use:   "glassbox",
		Short: "Models interpretable by construction: logistic regression as odds ratios, Explainable Boosting Machine, Kolmogorov–Arnold Network",
		Long: `glassbox fits models whose parameters are the explanation: a logistic
regression read as odds ratios with confidence intervals, and an Explainable
Boosting Machine (a generalized additive model with one shape function per
feature), and a Kolmogorov–Arnold Network (learnable univariate functions on
its edges). See docs/glassbox.md for how to read the outputs.`,
	}
	logreg := glassboxCmd(&cobra.Command{
		Use:   "logreg --train CSV [--test CSV] --label COL [--l2 λ] [--standardize] --out DIR",
		Short: "Fit a binary or multinomial logistic regression and print its odds-ratio table",
		Long: `logreg fits a logistic regression by Newton's method (IRLS), optionally with
an L2 penalty and standardized features, and writes coefficients.csv,
coefficients.md, forest_plot.png, summary.json and config.yaml into the run
directory; the table (coefficient, standard error, z, p-value, odds ratio and
its 95% interval) is printed too. Perfect or quasi-complete separation is
reported, naming the feature, instead of a table of diverging coefficients.
The first class is the reference category.

Settings come from -c CONFIG (keys as the flags, with underscores), then
GENXAI_* environment variables, then --set key=value, then the flags
(docs/config.md). --target is the older name of --label.
--train builtin:breast_cancer --split uses the bundled 455/114 split.`,
	}, config.LogRegSchema(), []string{"l2", "standardize", "max_iter"},
		func(_ context.Context, c *config.Config, stdout, _ io.Writer) (string, error) {
			return glassbox.RunLogReg(c, stdout)
		})

	ebm := glassboxCmd(&cobra.Command{
		Use:   "ebm --train CSV [--test CSV] --label COL [--interactions N] --out DIR",
		Short: "Fit an Explainable Boosting Machine and plot its shape functions and importances",
		Long: `ebm fits an Explainable Boosting Machine: one shape function per feature,
learned by cyclic gradient boosting of shallow trees on quantile bins, averaged
over outer bags with early stopping on a validation split, optionally with
pairwise interactions ranked by FAST. Binary classification (log loss) or
regression (squared loss). The run directory receives summary.json (with the
importances, most important first), importances.csv, shapes.csv, model.json,
importance.png, shape_<term>.png for the top terms, explanations.csv (local
explanations that sum to each row's logit) and local_explanation_<row>.png.

Settings come from -c CONFIG, then GENXAI_* environment variables, then
--set key=value (every key of the schema, e.g. --set min_samples_leaf=4),
then the flags (docs/config.md). --target is the older name of --label.`,
	}, config.EBMSchema(), []string{"interactions", "task", "seed", "learning_rate", "outer_bags", "max_rounds"},
		glassbox.RunEBM)

	kanCmd := glassboxCmd(&cobra.Command{
		Use:   "kan --train CSV [--test CSV] --label COL [--set hidden=[N,…]] [--grid G] [--grid-extend G2] --out DIR",
		Short: "Fit a Kolmogorov–Arnold Network, plot its edge functions and suggest symbolic forms",
		Long: `kan fits a Kolmogorov–Arnold Network (Liu et al., 2024, arXiv:2404.19756): every
edge carries a learnable function w_b·silu(x) + w_s·Σ c_r B_r(x) of cubic
B-splines, every node adds. It is trained as a Gorgonia graph by full-batch Adam
with the paper's sparsity regularisation (λ, μ₁, μ₂), then pruned (nodes whose
edges' mean |φ| stay below prune_threshold), its grid extended from grid to
grid_extend intervals by least squares, and retrained. Without hidden the
KAN is one layer [d, 1]: an additive model whose edges are the shape functions.
The run directory receives summary.json (accuracy, log loss, AUC, the stages,
what pruning removed, the symbolic suggestions), model.json, edges.csv,
symbolic.csv (the best fit a·f(b·x+c)+d of x, x², x³, |x|, exp, log, sqrt, sin,
tanh for each edge, suggested when R² ≥ symbolic_r2), edges.png (the first
layer's edge functions) and edges_layer<l>.png for later layers.

Settings come from -c CONFIG, then GENXAI_* environment variables, then
--set key=value, then the flags (docs/config.md). --target is the older name
of --label. --train builtin:breast_cancer --split uses the bundled 455/114 split.`,
	}, config.KANSchema(), []string{"grid", "grid_extend", "steps", "retrain_steps", "lr", "lambda", "prune_threshold", "seed"},
		glassbox.RunKAN)

	parent.AddCommand(logreg, ebm, kanCmd)
	rootCmd.AddCommand(parent)
}

// withInterrupt runs f with a context that Ctrl-C (SIGINT) or SIGTERM
// cancels; the fits of glassbox ebm, gmm and svm then stop and return a
// *progress.Interrupted, which exits with status 130.
func withInterrupt(parent context.Context, f func(context.Context) error) error {
	if parent == nil {
		parent = context.Background()
	}
	ctx, stop := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	defer stop()
	return f(ctx)
}
