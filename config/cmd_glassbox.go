package config

// glassboxSplits are the values of the glassbox split key: "builtin" (or
// "true") trains on the bundled train indices of builtin:breast_cancer and
// tests on its test indices; "none" (or "false") uses the tables as given.
var glassboxSplits = []string{"none", "false", "builtin", "true"}

// glassboxKeys are the data keys both glass-box commands share.
func glassboxKeys() []Key {
	keys := []Key{
		StringKey("train", "", `training table: a CSV file (header row; numeric or categorical features) or "builtin:breast_cancer"`).Require(),
		StringKey("test", "", "test table with the same columns (empty: none)"),
		labelKey(`label column (empty: the built-in table's own label, "target" for breast cancer)`).Alias("target"),
		StringKey("split", "none", `"builtin" (or true): train on the bundled 455 training rows of builtin:breast_cancer and test on its 114 test rows; "none" (or false): use train/test as given`).OneOf(glassboxSplits...),
		StringListKey("features", []string{}, "feature columns to use, in this order (empty: every column except the label)"),
		StringKey("out", "", "run directory (empty: runs/glassbox-<model>-<time>)"),
		forceKey(),
	}
	return append(append(keys, categoricalKeys()...), weightKey())
}

// LogRegSchema is the config schema of `genxai glassbox logreg`.
func LogRegSchema() Schema {
	keys := append(glassboxKeys(),
		FloatKey("l2", 0, "ridge penalty λ on the slopes (0: plain maximum likelihood, which refuses separated data)").AtLeast(0),
		BoolKey("standardize", false, "standardize features with the training mean and SD; odds ratios then refer to one SD"),
		IntKey("max_iter", 100, "maximum Newton iterations").Range(1, 10000),
		FloatKey("tol", 1e-10, "convergence tolerance on the largest relative Newton step").Range(1e-15, 1e-3),
	)
	return Schema{Name: "glassbox logreg", Keys: keys}
}

// EBMSchema is the config schema of `genxai glassbox ebm`.
func EBMSchema() Schema {
	keys := append(glassboxKeys(),
		StringKey("task", "auto", `"classification" (binary, log loss), "regression" (squared loss) or "auto" (classification when the label has two classes or text labels)`).OneOf("auto", "classification", "regression"),
		IntKey("interactions", 0, "number of pairwise interaction terms chosen by FAST").Range(0, 1000),
		FloatKey("learning_rate", 0.01, "boosting learning rate").GreaterThan(0).AtMost(1),
		IntKey("max_rounds", 5000, "maximum boosting rounds per bag (a round visits every term)").Range(1, 1000000),
		IntKey("early_stopping_rounds", 50, "stop a bag after this many rounds without validation improvement").Range(1, 100000),
		FloatKey("early_stopping_tolerance", 1e-5, "relative validation-loss improvement that counts").Range(0, 1),
		IntKey("outer_bags", 8, "bags whose models are averaged").Range(1, 1000),
		FloatKey("validation_fraction", 0.15, "fraction of training rows held out per bag for early stopping (0: none, run max_rounds)").AtLeast(0).LessThan(0.9),
		IntKey("max_leaves", 3, "leaves per shallow tree").Range(2, 256),
		IntKey("min_samples_leaf", 10, "fewest training rows per leaf").Range(1, 1000000),
		IntKey("max_bins", 256, "quantile bins per feature").Range(2, 65000),
		IntKey("max_interaction_bins", 32, "quantile bins per feature inside a pair term (a missing-value bin is added, and a pair cell index must fit 16 bits)").Range(2, 254),
		IntKey("smoothing_rounds", 500, "initial rounds with random cut points (smoother shapes; 0: none)").Range(0, 1000000),
		IntKey("seed", 0, "seed of the bag splits and smoothing cuts").AtLeast(0),
		IntKey("workers", 0, "goroutines over bags (0: all cores)").Range(0, 1024),
		IntKey("top_terms", 8, "shape-function plots for this many most important terms").Range(0, 1000),
		IntKey("explain_rows", 5, "local explanations for this many test rows (training rows without a test set)").Range(0, 100000),
	)
	return Schema{Name: "glassbox ebm", Keys: keys}
}

// KANSchema is the config schema of `genxai glassbox kan`, a
// Kolmogorov–Arnold Network (Liu et al., 2024) classifier.
func KANSchema() Schema {
	keys := append(glassboxKeys(),
		IntListKey("hidden", []int{}, "widths of the hidden layers (empty: one layer [d, 1], an additive model whose edges are the shape functions)"),
		IntKey("grid", 5, "B-spline grid intervals G of the first training stage").Range(1, 200),
		IntKey("grid_extend", 10, "grid intervals after grid extension, fitted to the coarse splines by least squares (0: no extension)").Range(0, 200),
		IntKey("steps", 500, "full-batch Adam steps with the sparsity regularisation").Range(1, 1000000),
		IntKey("retrain_steps", 200, "Adam steps after pruning and grid extension, without regularisation (0: none)").Range(0, 1000000),
		FloatKey("lr", 0.01, "Adam step size").GreaterThan(0).AtMost(1),
		FloatKey("lambda", 0.001, "weight λ of the sparsity regularisation (0: none)").AtLeast(0),
		FloatKey("mu_l1", 1, "weight μ₁ of the L1 term (mean |φ| of every edge) inside the regularisation").AtLeast(0),
		FloatKey("mu_entropy", 2, "weight μ₂ of the entropy term inside the regularisation").AtLeast(0),
		FloatKey("prune_threshold", 0.01, "prune a node whose incoming or outgoing mean |φ| (largest over its edges) is below this (0: no pruning)").AtLeast(0),
		FloatKey("symbolic_r2", 0.99, "suggest a symbolic form a·f(b·x+c)+d for an edge when its R² reaches this").Range(0, 1),
		IntKey("seed", 0, "seed of the initial parameters").AtLeast(0),
	)
	return Schema{Name: "glassbox kan", Keys: keys}
}
