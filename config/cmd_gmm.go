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
		outKey("gmm"),
		forceKey(),
	}
	return Schema{Name: "gmm", Keys: append(append(keys, categoricalKeys()...), weightKey())}
}
