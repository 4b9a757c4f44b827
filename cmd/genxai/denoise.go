package main

import (
	"github.com/spf13/cobra"

	"genxai/config"
	"genxai/xai/denoise"
)

func init() {
	cmd := &cobra.Command{
		Use:   "denoise --run DIR [--input test:N,...|FILE.png|DIR|IDX] [--noise gaussian:0.3|saltpepper:P|mask:P] [--seed S] [--out DIR] [--force]",
		Short: "Score a VAE as a denoiser against the noisy input and a 3×3 median filter (PSNR, SSIM)",
		Long: `denoise corrupts images with the noise given (default: the whole test
set, Gaussian σ = 0.3 clipped to [0, 1]; or salt-and-pepper or masking with
probability P) in the graph a denoising VAE trains with (model.denoise),
reconstructs them with the VAE of --run (the decoding of the posterior
mean), filters them with a 3×3 median filter as the classical baseline, and
writes into --out: clean.png, noisy.png, median.png, denoised.png and
comparison.png, scores.csv (every image's PSNR and SSIM) and summary.json
(psnr_noisy, psnr_denoised, psnr_median, ssim_noisy, ssim_denoised,
ssim_median: means over the images). PSNR is in dB on [0, 1] pixels; SSIM
follows Wang et al. (2004) with the 11×11 Gaussian window, σ = 1.5
(docs/denoise.md). The same --seed gives the same noise.

--input lists, comma-separated and in order, test images (test:3 or 3),
training images (train:5), PNG files (gray, or RGB converted to gray for a
one-channel run), directories (every *.png in them, by name) and IDX image
files. Images are not resized: a size other than the run's is refused.

Settings come from -c CONFIG, then GENXAI_* environment variables, then
--set key=value, then the flags, each a shorthand for its key
(docs/config.md).`,
	}
	schema := config.DenoiseSchema()
	rootCmd.AddCommand(configure(cmd, schema, allFlags(schema), interruptible(cmd, denoise.RunFromConfig, false)))
}
