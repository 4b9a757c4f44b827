package glassbox

import "genxai/config"

// Split values accepted by the split key: "builtin" (or "true") trains on the
// bundled train indices of builtin:breast_cancer and tests on its test
// indices; "none" (or "false") uses the tables as given.
var splitValues = []string{"none", "false", "builtin", "true"}

// commonKeys are the data keys both glass-box commands share.
func commonKeys() []config.Key {
	return []config.Key{
		config.StringKey("train", "", `training table: a CSV file (header row, numeric features) or "builtin:breast_cancer"`).Require(),
		config.StringKey("test", "", "test table with the same columns (empty: none)"),
		config.StringKey("target", "", `label column (empty: the built-in table's own label, "target" for breast cancer)`),
		config.StringKey("split", "none", `"builtin" (or true): train on the bundled 455 training rows of builtin:breast_cancer and test on its 114 test rows; "none" (or false): use train/test as given`).OneOf(splitValues...),
		config.StringListKey("features", []string{}, "feature columns to use, in this order (empty: every column except the target)"),
		config.StringKey("out", "", "run directory (empty: runs/glassbox-<model>-<time>)"),
	}
}

// LogRegSchema is the config schema of `genxai glassbox logreg`.
func LogRegSchema() config.Schema {
	keys := commonKeys()
	keys = append(keys,
		config.FloatKey("l2", 0, "ridge penalty λ on the slopes (0: plain maximum likelihood, which refuses separated data)").AtLeast(0),
		config.BoolKey("standardize", false, "standardize features with the training mean and SD; odds ratios then refer to one SD"),
		config.IntKey("max_iter", 100, "maximum Newton iterations").Range(1, 10000),
		config.FloatKey("tol", 1e-10, "convergence tolerance on the largest relative Newton step").Range(1e-15, 1e-3),
	)
	return config.Schema{Name: "glassbox logreg", Keys: keys}
}

// EBMSchema is the config schema of `genxai glassbox ebm`.
func EBMSchema() config.Schema {
	keys := commonKeys()
	keys = append(keys,
		config.StringKey("task", "auto", `"classification" (binary, log loss), "regression" (squared loss) or "auto" (classification when the label has two classes or text labels)`).OneOf("auto", "classification", "regression"),
		config.IntKey("interactions", 0, "number of pairwise interaction terms chosen by FAST").Range(0, 1000),
		config.FloatKey("learning_rate", 0.01, "boosting learning rate").GreaterThan(0).AtMost(1),
		config.IntKey("max_rounds", 5000, "maximum boosting rounds per bag (a round visits every term)").Range(1, 1000000),
		config.IntKey("early_stopping_rounds", 50, "stop a bag after this many rounds without validation improvement").Range(1, 100000),
		config.FloatKey("early_stopping_tolerance", 1e-5, "relative validation-loss improvement that counts").Range(0, 1),
		config.IntKey("outer_bags", 8, "bags whose models are averaged").Range(1, 1000),
		config.FloatKey("validation_fraction", 0.15, "fraction of training rows held out per bag for early stopping (0: none, run max_rounds)").AtLeast(0).LessThan(0.9),
		config.IntKey("max_leaves", 3, "leaves per shallow tree").Range(2, 256),
		config.IntKey("min_samples_leaf", 10, "fewest training rows per leaf").Range(1, 1000000),
		config.IntKey("max_bins", 256, "quantile bins per feature").Range(2, 65000),
		config.IntKey("max_interaction_bins", 32, "quantile bins per feature inside a pair term").Range(2, 256),
		config.IntKey("smoothing_rounds", 500, "initial rounds with random cut points (smoother shapes; 0: none)").Range(0, 1000000),
		config.IntKey("seed", 0, "seed of the bag splits and smoothing cuts").AtLeast(0),
		config.IntKey("workers", 0, "goroutines over bags (0: all cores)").Range(0, 1024),
		config.IntKey("top_terms", 8, "shape-function plots for this many most important terms").Range(0, 1000),
		config.IntKey("explain_rows", 5, "local explanations for this many test rows (training rows without a test set)").Range(0, 100000),
	)
	return config.Schema{Name: "glassbox ebm", Keys: keys}
}
