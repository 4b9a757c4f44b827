package config

// SVMSchema is the config schema of `genxai svm`, a C-SVC fitted by SMO
// (package xai/svm). Its defaults are svm.DefaultParams (scikit-learn's SVC
// with shrinking on); a test in xai/svm keeps the two equal.
func SVMSchema() Schema {
	keys := []Key{
		StringKey("train", "", "training CSV file (header row; numeric features, categorical ones one-hot encoded)").Require(),
		StringKey("test", "", "test CSV file with the same columns, scored with the fitted model").Require(),
		labelKey("label (class) column; integer or text labels").Require(),
		StringKey("kernel", "rbf", "kernel").OneOf("linear", "rbf", "poly", "sigmoid"),
		FloatKey("c", 1, "cost of a margin violation (the box constraint); flag --C").GreaterThan(0),
		StringKey("gamma", "scale", `kernel coefficient: "scale" (1/(features·Var X)), "auto" (1/features) or a positive number`),
		IntKey("degree", 3, "degree of the poly kernel (0: 3)").AtLeast(0),
		FloatKey("coef0", 0, "independent term of the poly and sigmoid kernels"),
		FloatKey("tol", 1e-3, "stopping tolerance on the maximal KKT violation (0: 1e-3)").AtLeast(0),
		FloatKey("cache_mb", 200, "kernel cache size in MB (0: 200)").AtLeast(0),
		BoolKey("shrinking", true, "use libsvm's shrinking heuristic"),
		BoolKey("probability", false, "fit Platt-scaled probabilities (5-fold internal CV, slower); predictions.csv then has p_<class> columns"),
		BoolKey("standardize", false, "scale features to zero mean, unit variance (statistics from the training file)"),
		IntKey("max_iter", 0, "iteration bound per binary problem (0: libsvm's default)").AtLeast(0),
		IntKey("workers", 0, "one-vs-one problems solved in parallel (0: all cores, 1: sequential as libsvm)").AtLeast(0),
		IntKey("seed", 0, "seed of the probability cross-validation folds"),
		outKey("svm"),
		forceKey(),
	}
	return Schema{Name: "svm", Keys: append(keys, categoricalKeys()...)}
}
