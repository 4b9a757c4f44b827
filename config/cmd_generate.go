package config

// GenerateSchema is the config schema of `genxai generate`, which exports a
// synthetic data set drawn from a trained generator (package xai/generate):
// labelled images from a VAE, GAN or conditional GAN run, labelled table
// rows from a per-class Gaussian mixture model file, or text from a
// language-model run.
func GenerateSchema() Schema {
	return Schema{Name: "generate", Keys: []Key{
		StringKey("run", "", "run directory of a trained VAE, GAN, conditional GAN or language model (genxai train); or give model"),
		StringKey("model", "", "model.json of genxai gmm --per-class COL: write labelled table rows as synthetic.csv (instead of run)"),
		deviceKey(),
		IntKey("n", 0, "number of images, rows or texts to generate (0 with per_class: per_class × classes)").AtLeast(0),
		IntKey("class", -1, "conditional GAN or per-class model only: every image or row of this class index (-1: all classes, in turn for images, by the model's class priors for rows)").AtLeast(-1),
		IntKey("per_class", 0, "conditional GAN or per-class model only: this many images or rows of every class, instead of n").AtLeast(0),
		StringKey("format", "", "empty: idx for images, csv for a model, txt for a language model; idx: train-images-idx3-ubyte and train-labels-idx1-ubyte (bytes, loadable as a data.path); csv: images.csv, one row per image (label column, then pixels in [0, 1]), or synthetic.csv for a model; npy: images.npy (float32, N×C×H×W in [0, 1]) and labels.npy (uint8); png: one grey or RGB file per image, named with its class; txt: a language model's samples").OneOf("", "idx", "csv", "npy", "png", "txt"),
		BoolKey("clip", false, "model only: clip every numeric column to its training range [min, max] (stored in model.json)"),
		IntKey("tokens", 200, "language model only: characters generated per sample").AtLeast(1),
		StringKey("prompt", "", "language model only: text every sample continues (not repeated in the output)"),
		FloatKey("temperature", 1, "language model only: sampling temperature (0: the most likely character)").AtLeast(0),
		IntKey("top_k", 0, "language model only: sample among the k most likely characters (0: all)").AtLeast(0),
		BoolKey("one_per_file", false, "language model only: one file per sample (sample-0000042.txt, the text as generated) instead of one line per sample in samples.txt"),
		IntKey("seed", 1, "seed of the noise; the same seed gives the same bytes"),
		StringKey("judge", "", "run directory of a classifier that scores the export: its agreement with the requested labels (empty: the GAN's metrics.classifier_run, if set)"),
		outKey("generate"),
		forceKey(),
	}, Validate: validateGenerate}
}

// validateGenerate checks that exactly one source is given.
func validateGenerate(c *Config) []error {
	switch run, model := c.String("run"), c.String("model"); {
	case run == "" && model == "":
		return []error{c.Errorf("run", "is empty and so is model: give --run DIR (a trained VAE, GAN or language model) or --model DIR/model.json (genxai gmm --per-class)")}
	case run != "" && model != "":
		return []error{c.Errorf("model", "is set together with run %q: give one source, --run DIR or --model FILE", run)}
	}
	return nil
}
