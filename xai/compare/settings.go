package compare

import (
	"slices"

	"genxai/config"
	"genxai/xai/augment"
)

// Settings is the typed form of a config of config.CompareSchema.
type Settings struct {
	Data, Label, Test string
	TestFraction      float64
	TestMaxRows       int
	Features          string
	PCAComponents     int
	PCAPoolRows       int
	Standardize       bool
	// Sizes are training rows per class, sorted and without repeats.
	Sizes []int
	// AllRows adds the whole training pool as the largest size, capped at
	// MaxPerClass rows per class when that is positive.
	AllRows     bool
	MaxPerClass int
	Models      []string
	Seeds       int
	Seed        int64

	NBVarSmoothing float64
	GMMComponents  []int
	GMMCovariance  string
	GMMRegCovar    float64
	GMMMaxIter     int
	LogRegL2       float64
	SVMC           float64
	SVMGamma       string
	Alpha          float64
	// CVAE holds the cvae_* settings of the class-conditional VAE.
	CVAE CVAEOptions
}

// FromConfig reads the settings out of a config loaded with
// config.CompareSchema.
func FromConfig(c *config.Config) Settings {
	s := Settings{
		Data: c.String("data"), Label: c.String(config.LabelKey), Test: c.String("test"),
		TestFraction: c.Float("test_fraction"), TestMaxRows: c.Int("test_max_rows"),
		Features: c.String("features"), PCAComponents: c.Int("pca_components"), PCAPoolRows: c.Int("pca_pool_rows"),
		Standardize: c.Bool("standardize"), Sizes: c.Ints("sizes"), AllRows: c.Bool("all_rows"),
		MaxPerClass: c.Int("max_per_class"), Models: c.Strings("models"), Seeds: c.Int("seeds"), Seed: int64(c.Int("seed")),
		NBVarSmoothing: c.Float("nb_var_smoothing"), GMMComponents: c.Ints("gmm_components"),
		GMMCovariance: c.String("gmm_covariance"), GMMRegCovar: c.Float("gmm_reg_covar"), GMMMaxIter: c.Int("gmm_max_iter"),
		LogRegL2: c.Float("logreg_l2"), SVMC: c.Float("svm_c"), SVMGamma: c.String("svm_gamma"), Alpha: c.Float("alpha"),
		CVAE: CVAEOptions{Hidden: c.Ints("cvae_hidden"), Latent: c.Int("cvae_latent"), Steps: c.Int("cvae_steps"),
			Batch: c.Int("cvae_batch"), LR: c.Float("cvae_lr"), WeightDecay: c.Float("cvae_weight_decay"),
			Samples: c.Int("cvae_samples"), MinSigma: c.Float("cvae_min_sigma"), Device: c.String(config.DeviceKey)},
	}
	slices.Sort(s.Sizes)
	s.Sizes = slices.Compact(s.Sizes)
	slices.Sort(s.GMMComponents)
	s.GMMComponents = slices.Compact(s.GMMComponents)
	return s
}

// dataSettings is the part of an augment study's settings that names the
// data, so that both studies load data sets the same way
// (augment.LoadDataset).
func (s Settings) dataSettings() augment.Settings {
	return augment.Settings{Source: s.Data, Label: s.Label, TestSource: s.Test, TestFraction: s.TestFraction,
		TestMaxRows: s.TestMaxRows, Seed: s.Seed}
}
