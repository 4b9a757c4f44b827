package config

import "slices"

// CompareModels lists the classifiers `genxai compare` can fit, generative
// ones first: Gaussian naive Bayes, one Gaussian mixture per class, a
// class-conditional VAE scored by its ELBO, then logistic regression and the
// linear and RBF support vector machines.
var CompareModels = []string{"naive_bayes", "gmm", "cvae", "logreg", "svm_linear", "svm_rbf"}

// CompareGenerative lists the generative models of CompareModels; the
// others are discriminative.
var CompareGenerative = []string{"naive_bayes", "gmm", "cvae"}

// CompareSchema is the config schema of `genxai compare`, which trains
// generative and discriminative classifiers on the same training subsets of
// growing size and compares their test accuracy (package xai/compare).
func CompareSchema() Schema {
	keys := []Key{
		StringKey("data", "", "builtin:digits, builtin:breast_cancer (its published 455/114 split), fashion-mnist, a directory of Fashion-MNIST-format IDX files, or a CSV path").Require(),
		labelKey("label column of a CSV data source (empty: the built-in set's own label)"),
		StringKey("test", "", "CSV file with the held-out rows of a CSV data source (empty: split off test_fraction)"),
		FloatKey("test_fraction", 0.25, "fraction of a CSV data source held out for testing when test is empty").GreaterThan(0).LessThan(1),
		IntKey("test_max_rows", 0, "cap on the test rows, a fixed random subset the same for every fit (0: all)").AtLeast(0),
		StringKey("features", "raw", "raw (the columns or pixels as they are) or pca (principal components fitted once on the unlabelled training pool)").OneOf("raw", "pca"),
		IntKey("pca_components", 50, "number of principal components for features pca").AtLeast(1),
		IntKey("pca_pool_rows", 10000, "cap on the training-pool rows PCA is fitted on (a fixed random subset; 0: all)").AtLeast(0),
		BoolKey("standardize", true, "z-score every feature with the mean and standard deviation of each training subset (columns constant in the subset are always dropped)"),
		IntListKey("sizes", []int{10, 30, 100, 300, 1000}, "training rows per class; sizes above the smallest class of the pool are left out (and listed in summary.json)").AtLeast(1).Len(1, 0),
		IntKey("max_per_class", 0, "with all_rows, cap on the rows per class of the whole-pool size (0: no cap), for large pools such as Fashion-MNIST").AtLeast(0),
		BoolKey("all_rows", true, "also train on the whole training pool (every row of every class, at its own class balance)"),
		StringListKey("models", CompareModels, "classifiers to compare: generative naive_bayes, gmm, cvae; discriminative logreg, svm_linear, svm_rbf").OneOf(CompareModels...).Len(1, 0),
		IntKey("seeds", 5, "repetitions per size, each with its own training subset (shared by all models)").Range(2, 1000),
		IntKey("seed", 0, "base seed; repetition r uses seed+r"),
		FloatKey("nb_var_smoothing", 1e-9, "naive Bayes: added to every variance, as a fraction of the largest feature variance (scikit-learn's var_smoothing)").AtLeast(0),
		IntListKey("gmm_components", []int{1, 2, 3}, "per-class mixture: candidate numbers of components, chosen per class by BIC").AtLeast(1).Len(1, 0),
		StringKey("gmm_covariance", "full", "per-class mixture: covariance structure").OneOf("full", "tied", "diag", "spherical"),
		FloatKey("gmm_reg_covar", 1e-3, "per-class mixture: added to the diagonal of every covariance (on standardized features: a fraction of unit variance)").GreaterThan(0),
		IntKey("gmm_max_iter", 100, "per-class mixture: EM iterations per fit").AtLeast(1),
		FloatKey("logreg_l2", 1, "logistic regression: ridge penalty λ on the slopes (> 0 keeps separable small subsets finite)").GreaterThan(0),
		FloatKey("svm_c", 1, "SVMs: cost of a margin violation C").GreaterThan(0),
		StringKey("svm_gamma", "scale", `RBF SVM: kernel coefficient, "scale", "auto" or a positive number`),
		IntListKey("cvae_hidden", []int{128}, "class-conditional VAE: widths of the encoder's hidden layers (ReLU); the decoder mirrors them").Range(1, 65536).Len(1, 0),
		IntKey("cvae_latent", 8, "class-conditional VAE: dimension of the latent code z").Range(1, 4096),
		IntKey("cvae_steps", 2000, "class-conditional VAE: Adam steps per fit, whatever the training size (small subsets see more epochs)").Range(1, 10000000),
		IntKey("cvae_batch", 64, "class-conditional VAE: rows per step (capped at the training rows)").Range(1, 65536),
		FloatKey("cvae_lr", 1e-3, "class-conditional VAE: Adam's learning rate").GreaterThan(0).AtMost(1),
		FloatKey("cvae_weight_decay", 1e-4, "class-conditional VAE: L2 penalty added to the gradient").AtLeast(0),
		IntKey("cvae_samples", 10, "class-conditional VAE: importance samples K per row and class when scoring (the importance-weighted bound of Burda et al. 2016; 1 is the plain ELBO)").Range(1, 10000),
		FloatKey("cvae_min_sigma", 0.05, "class-conditional VAE: floor of the Gaussian likelihood's learned per-feature standard deviations (features are z-scored or principal components)").GreaterThan(0),
		FloatKey("alpha", 0.05, "significance level of the paired t-test that decides which family wins at a size").GreaterThan(0).LessThan(1),
		StringKey(DeviceKey, "auto", "where the class-conditional VAE trains and scores: auto (a GPU when one answers, else the CPU), cpu or cuda; the other models are host code").OneOf("auto", "cpu", "cuda"),
		outKey("compare"),
		forceKey(),
	}
	return Schema{Name: "compare", Keys: keys, Validate: validateCompare}
}

// validateCompare checks that the models hold both families, without
// repeats: the comparison needs a generative and a discriminative model.
func validateCompare(c *Config) []error {
	var errs []error
	models := c.Strings("models")
	seen := map[string]bool{}
	gen, disc := false, false
	for _, m := range models {
		if seen[m] {
			errs = append(errs, c.Errorf("models", "names %q twice; list each model once", m))
		}
		seen[m] = true
		if slices.Contains(CompareGenerative, m) {
			gen = true
		} else {
			disc = true
		}
	}
	if !gen || !disc {
		errs = append(errs, c.Errorf("models", "%v needs at least one generative model (naive_bayes, gmm, cvae) and one discriminative one (logreg, svm_linear, svm_rbf) to compare", models))
	}
	if !c.Bool("all_rows") && c.Int("max_per_class") > 0 {
		errs = append(errs, c.Errorf("max_per_class", "is %d but all_rows is false; max_per_class caps only the whole-pool size, so set all_rows: true or drop it", c.Int("max_per_class")))
	}
	return errs
}
