package config

// GenerateSchema is the config schema of `genxai generate`, which exports a
// labelled synthetic data set drawn from a trained generator (package
// xai/generate).
func GenerateSchema() Schema {
	return Schema{Name: "generate", Keys: []Key{
		StringKey("run", "", "run directory of a trained VAE, GAN or conditional GAN (genxai train)").Require(),
		IntKey("n", 0, "number of images to generate (0 with per_class: per_class × classes)").AtLeast(0),
		IntKey("class", -1, "conditional GAN only: every image of this class (-1: all classes in turn)").AtLeast(-1),
		IntKey("per_class", 0, "conditional GAN only: this many images of every class, instead of n").AtLeast(0),
		StringKey("format", "idx", "idx: train-images-idx3-ubyte and train-labels-idx1-ubyte (bytes, loadable as a data.path); csv: images.csv, one row per image (label column, then pixels in [0, 1]); npy: images.npy (float32, N×C×H×W in [0, 1]) and labels.npy (uint8); png: one grey or RGB file per image, named with its class").OneOf("idx", "csv", "npy", "png"),
		IntKey("seed", 1, "seed of the noise; the same seed gives the same bytes"),
		StringKey("judge", "", "run directory of a classifier that scores the export: its agreement with the requested labels (empty: the GAN's metrics.classifier_run, if set)"),
		outKey("generate"),
		forceKey(),
	}}
}
