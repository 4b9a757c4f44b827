package config

// GMMSchema is the config schema of `genxai gmm`, a Gaussian mixture fitted
// by EM (package xai/gmm).
func GMMSchema() Schema {
	keys := []Key{
		StringKey("train", "", "training CSV file (header row; numeric features, categorical ones one-hot encoded without their reference level)").Require(),
		StringKey("test", "", "held-out CSV file with the same columns, scored with the fitted model (empty: none)"),
		labelKey("label column left out of the features (empty: every column is a feature)"),
		IntKey("components", 1, "number of mixture components K").AtLeast(1),
		StringKey("covariance", "full", "covariance structure").OneOf("full", "tied", "diag", "spherical"),
		IntKey("n_init", 1, "EM restarts from different k-means++ seeds; the best likelihood is kept").AtLeast(1),
		IntKey("max_iter", 100, "maximum EM iterations per restart").AtLeast(1),
		FloatKey("tol", 1e-3, "convergence threshold on the change of the mean log-likelihood").GreaterThan(0),
		FloatKey("reg_covar", 1e-6, "added to the diagonal of every covariance").AtLeast(0),
		IntKey("seed", 0, "random seed for the k-means++ initializations"),
		StringKey("per_class", "", "class column: fit one mixture per class, its number of components chosen by BIC among per_class_components, into a model.json that genxai generate --model samples labelled rows from (empty: one mixture for the whole table)"),
		IntListKey("per_class_components", []int{1, 2, 3, 4, 5}, "with per_class: candidate numbers of components, BIC picks one per class (components is then unused)").AtLeast(1).Len(1, 0),
		outKey("gmm"),
		forceKey(),
	}
	return Schema{Name: "gmm", Keys: append(append(keys, categoricalKeys()...), weightKey()), Validate: validateGMM}
}

// validateGMM checks the per_class combinations: the class column is the
// label (so label, when given, must name it) and rows are not weighted.
func validateGMM(c *Config) []error {
	pc := c.String("per_class")
	if pc == "" {
		return nil
	}
	var errs []error
	if l := c.String(LabelKey); l != "" && l != pc {
		errs = append(errs, c.Errorf(LabelKey, "is %q but per_class is %q: the class column is the column left out of the features; give only per_class", l, pc))
	}
	if c.String("weight") != "" {
		errs = append(errs, c.Errorf("weight", "cannot be combined with per_class: the per-class mixtures are fitted to unweighted rows; expand the grouped table or leave out per_class"))
	}
	return errs
}
