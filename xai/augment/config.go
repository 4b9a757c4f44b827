package augment

import (
	"fmt"
	"slices"

	"genxai/config"
	"genxai/xai/gmm"
)

// Schema returns the config schema of `genxai augment`. Every key is
// documented in its Doc line and in docs/augment.md.
func Schema() config.Schema {
	return config.Schema{
		Name: "augment",
		Keys: []config.Key{
			config.StringKey("data.source", "builtin:breast_cancer",
				"builtin:breast_cancer, builtin:digits, fashion-mnist, a directory of Fashion-MNIST-format IDX files, or a CSV path"),
			config.StringKey("data.label", "", "label column of a CSV source (\"\" = the built-in table's own label)"),
			config.StringKey("data.test", "", "CSV with the held-out test rows for a CSV source (\"\" = split off data.test_fraction)"),
			config.FloatKey("data.test_fraction", 0.25, "fraction of a CSV source held out for testing when data.test is empty").GreaterThan(0).LessThan(1),
			config.StringKey("features.kind", "raw", "raw (the data's own columns or pixels), pca, or classifier (embedding of a trained classifier run)").OneOf("raw", "pca", "classifier"),
			config.IntKey("features.pca_components", 50, "number of principal components for features.kind pca").AtLeast(1),
			config.StringKey("features.pca_fit", "pool", "what PCA is fitted on: pool (the unlabelled training pool, no labels used) or labelled (the real labelled subset of each seed)").OneOf("pool", "labelled"),
			config.IntKey("features.pca_pool_rows", 10000, "cap on the training-pool rows used to fit PCA (a fixed random subset; 0 = all)").AtLeast(0),
			config.StringKey("features.classifier_run", "", "run directory of a trained classifier, for features.kind classifier"),
			config.BoolKey("features.standardize", false, "z-score the features with the mean and standard deviation of each real labelled subset before generating"),
			config.IntListKey("real.n_per_class", []int{10, 50, 100}, "sizes of the real labelled subset, per class").AtLeast(1).Len(1, 0),
			config.StringKey("generator.kind", "gmm", "gmm (one Gaussian mixture per class, components by BIC) or gan (a trained class-conditional GAN run)").OneOf("gmm", "gan"),
			config.IntListKey("generator.gmm_components", []int{1, 2, 3, 4, 5}, "candidate numbers of components; BIC picks one per class").AtLeast(1).Len(1, 0),
			config.StringKey("generator.gmm_covariance", gmm.Full, "covariance structure of the mixtures").OneOf(gmm.CovarianceTypes...),
			config.FloatKey("generator.gmm_reg_covar", 1e-6, "added to the diagonal of every mixture covariance").AtLeast(0),
			config.IntKey("generator.gmm_n_init", 1, "EM restarts per mixture").AtLeast(1),
			config.IntKey("generator.gmm_max_iter", 100, "EM iterations per restart").AtLeast(1),
			config.StringKey("generator.gan_run", "", "run directory of a trained class-conditional GAN, for generator.kind gan"),
			config.BoolKey("generator.clip", true, "clip GMM samples to the valid range: pixels to [0,1] (through the PCA inverse when features are PCA), table columns to the range of the real labelled subset, classifier embeddings to the range of the real subset's embedding (GAN images are valid pixels already)"),
			config.FloatListKey("ratios", []float64{0, 0.5, 1, 2, 4}, "synthetic-to-real ratios per class; 0 is the no-augmentation baseline and must be present").AtLeast(0).Len(1, 0),
			config.IntKey("seeds", 5, "repetitions, each with its own real subset, mixtures and synthetic draws").Range(2, 1000),
			config.IntKey("seed", 0, "base seed; repetition s uses seed+s"),
			config.StringKey("svm.kernel", "rbf", "SVM kernel").OneOf("linear", "rbf", "poly", "sigmoid"),
			config.FloatKey("svm.c", 1, "SVM cost C").GreaterThan(0),
			config.StringKey("svm.gamma", "scale", "SVM kernel coefficient: scale, auto, or a positive number"),
			config.BoolKey("svm.standardize", true, "standardize the SVM's inputs with statistics of its training set (real + synthetic)"),
			config.IntKey("test.max_rows", 2000, "cap on the test rows (a fixed random subset, the same for every run; 0 = all)").AtLeast(0),
			config.FloatKey("report.alpha", 0.05, "significance level of the paired t-test behind the verdicts").GreaterThan(0).LessThan(1),
			config.RunDeviceKey(),
		},
		Validate: validate,
	}
}

// validate runs the cross-key checks of the augment schema.
func validate(c *config.Config) []error {
	var errs []error
	if !slices.Contains(c.Floats("ratios"), 0) {
		errs = append(errs, c.Errorf("ratios", "must contain 0, the no-augmentation baseline every ratio is compared against"))
	}
	if c.String("generator.kind") == "gan" && c.String("generator.gan_run") == "" {
		errs = append(errs, c.Errorf("generator.gan_run", "is empty; generator.kind gan needs the run directory of a trained class-conditional GAN"))
	}
	if c.String("features.kind") == "classifier" && c.String("features.classifier_run") == "" {
		errs = append(errs, c.Errorf("features.classifier_run", "is empty; features.kind classifier needs the run directory of a trained classifier"))
	}
	return errs
}

// Settings is the typed form of an augment config.
type Settings struct {
	Source, Label, TestSource string
	TestFraction              float64

	FeatureKind    string
	PCAComponents  int
	PCAFit         string
	PCAPoolRows    int
	ClassifierRun  string
	Standardize    bool
	NPerClass      []int
	GeneratorKind  string
	GMMComponents  []int
	GMMCovariance  string
	GMMRegCovar    float64
	GMMNInit       int
	GMMMaxIter     int
	GANRun         string
	Clip           bool
	Ratios         []float64
	Seeds          int
	Seed           int64
	SVMKernel      string
	SVMC           float64
	SVMGamma       string
	SVMStandardize bool
	TestMaxRows    int
	Alpha          float64
}

// FromConfig reads the typed settings out of a config loaded with Schema.
// The ratios are sorted and de-duplicated, as are the real subset sizes.
func FromConfig(c *config.Config) Settings {
	s := Settings{
		Source:         c.String("data.source"),
		Label:          c.String("data.label"),
		TestSource:     c.String("data.test"),
		TestFraction:   c.Float("data.test_fraction"),
		FeatureKind:    c.String("features.kind"),
		PCAComponents:  c.Int("features.pca_components"),
		PCAFit:         c.String("features.pca_fit"),
		PCAPoolRows:    c.Int("features.pca_pool_rows"),
		ClassifierRun:  c.String("features.classifier_run"),
		Standardize:    c.Bool("features.standardize"),
		NPerClass:      c.Ints("real.n_per_class"),
		GeneratorKind:  c.String("generator.kind"),
		GMMComponents:  c.Ints("generator.gmm_components"),
		GMMCovariance:  c.String("generator.gmm_covariance"),
		GMMRegCovar:    c.Float("generator.gmm_reg_covar"),
		GMMNInit:       c.Int("generator.gmm_n_init"),
		GMMMaxIter:     c.Int("generator.gmm_max_iter"),
		GANRun:         c.String("generator.gan_run"),
		Clip:           c.Bool("generator.clip"),
		Ratios:         c.Floats("ratios"),
		Seeds:          c.Int("seeds"),
		Seed:           int64(c.Int("seed")),
		SVMKernel:      c.String("svm.kernel"),
		SVMC:           c.Float("svm.c"),
		SVMGamma:       c.String("svm.gamma"),
		SVMStandardize: c.Bool("svm.standardize"),
		TestMaxRows:    c.Int("test.max_rows"),
		Alpha:          c.Float("report.alpha"),
	}
	slices.Sort(s.Ratios)
	s.Ratios = slices.Compact(s.Ratios)
	slices.Sort(s.NPerClass)
	s.NPerClass = slices.Compact(s.NPerClass)
	slices.Sort(s.GMMComponents)
	s.GMMComponents = slices.Compact(s.GMMComponents)
	return s
}

// check validates settings that a hand-built Settings (not from a config)
// may get wrong.
func (s *Settings) check() error {
	switch {
	case len(s.NPerClass) == 0:
		return fmt.Errorf("augment: real.n_per_class is empty; give at least one subset size")
	case !slices.Contains(s.Ratios, 0):
		return fmt.Errorf("augment: ratios %v lack 0, the no-augmentation baseline", s.Ratios)
	case s.Seeds < 2:
		return fmt.Errorf("augment: seeds = %d; the paired comparison needs at least 2", s.Seeds)
	case s.GeneratorKind != "gmm" && s.GeneratorKind != "gan":
		return fmt.Errorf("augment: generator.kind %q is not known; use gmm or gan", s.GeneratorKind)
	case s.FeatureKind != "raw" && s.FeatureKind != "pca" && s.FeatureKind != "classifier":
		return fmt.Errorf("augment: features.kind %q is not known; use raw, pca or classifier", s.FeatureKind)
	case len(s.GMMComponents) == 0 && s.GeneratorKind == "gmm":
		return fmt.Errorf("augment: generator.gmm_components is empty")
	case s.GeneratorKind == "gan" && s.GANRun == "":
		return fmt.Errorf("augment: generator.gan_run is empty; generator.kind gan needs the run directory of a trained class-conditional GAN")
	case s.FeatureKind == "classifier" && s.ClassifierRun == "":
		return fmt.Errorf("augment: features.classifier_run is empty; features.kind classifier needs the run directory of a trained classifier")
	}
	for _, n := range s.NPerClass {
		if n < 1 {
			return fmt.Errorf("augment: real.n_per_class holds %d; sizes must be at least 1", n)
		}
	}
	for _, r := range s.Ratios {
		if !(r >= 0) {
			return fmt.Errorf("augment: ratio %v; ratios must be ≥ 0", r)
		}
	}
	return nil
}
