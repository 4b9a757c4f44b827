package main

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"genxai/config"
	"genxai/xai/glassbox"
)

// glassboxFlag ties a command-line flag to the config key it overrides.
type glassboxFlag struct {
	flag, key string
	kind      string // "string", "strings", "bool", "number"
}

func init() {
	parent := &cobra.Command{
		Use:   "glassbox",
		Short: "Models interpretable by construction: logistic regression as odds ratios, Explainable Boosting Machine",
		Long: `glassbox fits models whose parameters are the explanation: a logistic
regression read as odds ratios with confidence intervals, and an Explainable
Boosting Machine (a generalized additive model with one shape function per
feature). See docs/glassbox.md for how to read the outputs.`,
	}

	common := []glassboxFlag{
		{"train", "train", "string"}, {"test", "test", "string"}, {"target", "target", "string"},
		{"split", "split", "string"}, {"features", "features", "strings"}, {"out", "out", "string"},
	}

	logreg := &cobra.Command{
		Use:   "logreg --train CSV [--test CSV] --target COL [--l2 λ] [--standardize] --out DIR",
		Short: "Fit a binary or multinomial logistic regression and print its odds-ratio table",
		Long: `logreg fits a logistic regression by Newton's method (IRLS), optionally with
an L2 penalty and standardized features, and writes coefficients.csv,
coefficients.md, forest_plot.png, summary.json and config.yaml into the run
directory; the table (coefficient, standard error, z, p-value, odds ratio and
its 95% interval) is printed too. Perfect or quasi-complete separation is
reported, naming the feature, instead of a table of diverging coefficients.
The first class is the reference category.

Settings come from -c CONFIG (keys as the flags, with underscores), then
GENXAI_* environment variables, then --set key=value, then the flags.
--train builtin:breast_cancer --split uses the bundled 455/114 split.`,
		Args: cobra.NoArgs,
	}
	lf := slices.Concat(common, []glassboxFlag{glassboxFlag{"l2", "l2", "number"}, glassboxFlag{"standardize", "standardize", "bool"}, glassboxFlag{"max-iter", "max_iter", "number"}})
	logreg.RunE = func(cmd *cobra.Command, _ []string) error {
		c, err := glassboxConfig(cmd, glassbox.LogRegSchema(), lf)
		if err != nil {
			return err
		}
		_, err = glassbox.RunLogReg(c, cmd.OutOrStdout())
		return err
	}
	addGlassboxFlags(logreg)
	f := logreg.Flags()
	f.Float64("l2", 0, "L2 (ridge) penalty λ on the slopes; standard errors then come from the penalized Hessian")
	f.Bool("standardize", false, "standardize features (training mean and SD); odds ratios then refer to one SD")
	f.Int("max-iter", 100, "maximum Newton iterations")

	ebm := &cobra.Command{
		Use:   "ebm --train CSV [--test CSV] --target COL [--interactions N] --out DIR",
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
then the flags.`,
		Args: cobra.NoArgs,
	}
	ef := slices.Concat(common, []glassboxFlag{glassboxFlag{"interactions", "interactions", "number"}, glassboxFlag{"task", "task", "string"},
		glassboxFlag{"seed", "seed", "number"}, glassboxFlag{"learning-rate", "learning_rate", "number"},
		glassboxFlag{"outer-bags", "outer_bags", "number"}, glassboxFlag{"max-rounds", "max_rounds", "number"}})
	ebm.RunE = func(cmd *cobra.Command, _ []string) error {
		c, err := glassboxConfig(cmd, glassbox.EBMSchema(), ef)
		if err != nil {
			return err
		}
		_, err = glassbox.RunEBM(c, cmd.OutOrStdout())
		return err
	}
	addGlassboxFlags(ebm)
	f = ebm.Flags()
	f.Int("interactions", 0, "number of pairwise interaction terms (FAST ranking)")
	f.String("task", "auto", "classification, regression or auto")
	f.Int("seed", 0, "seed of the bag splits")
	f.Float64("learning-rate", 0.01, "boosting learning rate")
	f.Int("outer-bags", 8, "number of outer bags averaged")
	f.Int("max-rounds", 5000, "maximum boosting rounds per bag")

	parent.AddCommand(logreg, ebm)
	rootCmd.AddCommand(parent)
}

// addGlassboxFlags adds the flags both subcommands share.
func addGlassboxFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringP("config", "c", "", "YAML config (see configs/glassbox-*.yaml)")
	f.StringArray("set", nil, "override a config key: --set min_samples_leaf=4 (repeatable)")
	f.String("train", "", `training CSV (header row; numeric features) or "builtin:breast_cancer"`)
	f.String("test", "", "test CSV with the same columns")
	f.String("target", "", "label column (default for builtin:breast_cancer: target)")
	f.String("split", "none", `"builtin": the bundled 455/114 split of builtin:breast_cancer ("--split" alone means builtin)`)
	f.Lookup("split").NoOptDefVal = "builtin"
	f.StringSlice("features", nil, "feature columns to use (comma-separated; default all)")
	f.String("out", "", "run directory (default runs/glassbox-<model>-<time>)")
}

// glassboxConfig loads the config file (or none), with the flags the user
// gave turned into --set overrides placed after the explicit --set values.
func glassboxConfig(cmd *cobra.Command, schema config.Schema, flags []glassboxFlag) (*config.Config, error) {
	fs := cmd.Flags()
	sets, _ := fs.GetStringArray("set")
	for _, gf := range flags {
		if !fs.Changed(gf.flag) {
			continue
		}
		v, err := flagYAML(cmd, gf)
		if err != nil {
			return nil, err
		}
		sets = append(sets, gf.key+"="+v)
	}
	path, _ := fs.GetString("config")
	if path == "" && !fs.Changed("train") && os.Getenv(config.EnvName("train")) == "" &&
		!slices.ContainsFunc(sets, func(s string) bool { return strings.HasPrefix(strings.TrimSpace(s), "train=") }) {
		return nil, fmt.Errorf("glassbox %s: no training data: give --train CSV (or --train builtin:breast_cancer), or a config with -c (see configs/glassbox-*.yaml)", cmd.Name())
	}
	if path == "" {
		return config.Parse("command line", []byte("{}\n"), schema, sets)
	}
	return config.Load(path, schema, sets)
}

// flagYAML renders a flag's value as a YAML value for a --set override.
func flagYAML(cmd *cobra.Command, gf glassboxFlag) (string, error) {
	fs := cmd.Flags()
	switch gf.kind {
	case "strings":
		vals, err := fs.GetStringSlice(gf.flag)
		if err != nil {
			return "", err
		}
		q := make([]string, len(vals))
		for i, v := range vals {
			q[i] = strconv.Quote(strings.TrimSpace(v))
		}
		return "[" + strings.Join(q, ", ") + "]", nil
	case "string":
		v := fs.Lookup(gf.flag).Value.String()
		if gf.flag == "split" {
			v = strings.ToLower(strings.TrimSpace(v))
		}
		return strconv.Quote(v), nil
	default: // numbers and bools are written as typed
		return fs.Lookup(gf.flag).Value.String(), nil
	}
}
