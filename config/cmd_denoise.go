package config

// DenoiseSchema is the config schema of `genxai denoise`, which scores a
// trained VAE as a denoiser against the noisy input and a 3×3 median filter
// by PSNR and SSIM (package xai/denoise, docs/denoise.md).
func DenoiseSchema() Schema {
	return Schema{Name: "denoise", Keys: []Key{
		StringKey("run", "", "run directory of a trained VAE (kind vae; a denoising one has model.denoise set)").Require(),
		StringKey("input", "", "images to denoise, comma-separated: test:3, train:5 or 3 (a bare number is a test image), PNG files (gray, or RGB converted to gray), directories of PNGs, IDX image files; sizes must be the run's; empty = the whole test set"),
		StringKey("noise", "gaussian:0.3", "corruption of the inputs: gaussian:σ (added N(0, σ²) noise clipped to [0, 1]), saltpepper:p or mask:p, as model.denoise"),
		IntKey("seed", 1, "seed of the noise (the counter-based generator); the same seed gives the same noisy images"),
		IntKey("show", 16, "images shown in the grids, the first of the inputs (comparison.png has one column per image)").Range(1, 64),
		StringKey("executor", "", "graph executor (tape: Gorgonia's TapeMachine); empty = the run's train.executor"),
		deviceKey(),
		outKey("denoise"),
		forceKey(),
	}}
}
