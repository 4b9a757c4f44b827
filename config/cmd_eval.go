package config

// EvalSchema is the config schema of `genxai eval`, the measures of a
// trained VAE, GAN or language model (package xai/eval, docs/eval.md).
func EvalSchema() Schema {
	return Schema{Name: "eval", Keys: []Key{
		StringKey("run", "", "run directory of a trained VAE, GAN or language model (kind vae, gan or lm); eval.json is written into it").Require(),
		StringKey("judge", "", "run directory of a trained classifier on the GAN's data whose features score the generator; empty = the GAN run's metrics.classifier_run (none: the generator metrics are skipped)"),
		IntKey("samples", 5000, "GAN: images on each side, generated and real test images (lowered to the size of the test set)").Range(10, 1000000),
		IntKey("seed", 0, "seed of the generated images, the KID subsets and the importance samples"),
		IntKey("k_pr", 3, "nearest neighbours of improved precision and recall (Kynkäänniemi et al. 2019)").Range(1, 100),
		IntKey("k_dc", 5, "nearest neighbours of density and coverage (Naeem et al. 2020)").Range(1, 100),
		IntKey("kid_subsets", 100, "subsets the KID is averaged over (Bińkowski et al. 2018)").Range(1, 10000),
		IntKey("kid_subset_size", 1000, "rows drawn from each side per KID subset (lowered to the smaller side)").Range(2, 100000),
		IntKey("iwae_k", 5000, "VAE: importance samples per test image of the IWAE bound (Burda et al. 2016)").Range(1, 1000000),
		IntKey("test_images", 100, "VAE: test images scored, the first of the test set (0: all)").AtLeast(0),
		IntKey("memory_mb", 256, "VAE: memory budget of one decoder batch in MiB; sets how many importance samples are decoded at once").Range(1, 65536),
		StringKey("text", "", "language model: held-out UTF-8 text scored in bits per character (empty: the run's validation text, the last 10% of its data.path)"),
		StringKey("executor", "", "graph executor (tape: Gorgonia's TapeMachine); empty = the run's train.executor"),
		deviceKey(),
	}}
}
