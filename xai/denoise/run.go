package denoise

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"genxai/config"
	"genxai/data"
	"genxai/nets"
	"genxai/runs"
	"genxai/viz"
	"genxai/xai/explain"
	"genxai/xai/latent"
)

// Scores are the mean PSNR (dB) and SSIM over the images of the noisy
// input, the VAE's reconstruction of it and the 3×3 median filter of it,
// each against the clean image.
type Scores struct {
	PSNRNoisy, PSNRDenoised, PSNRMedian float64
	SSIMNoisy, SSIMDenoised, SSIMMedian float64
}

// score returns the per-image PSNR and SSIM of each of noisy, denoised and
// median against clean (rows: image; columns: those three, PSNR then SSIM)
// and their means.
func score(clean, noisy, denoised, median [][]float32, c, h, w int) ([][6]float64, Scores, error) {
	rows := make([][6]float64, len(clean))
	var sum [6]float64
	for i := range clean {
		for k, img := range [][]float32{noisy[i], denoised[i], median[i]} {
			s, err := SSIM(clean[i], img, c, h, w)
			if err != nil {
				return nil, Scores{}, err
			}
			rows[i][k], rows[i][3+k] = PSNR(clean[i], img), s
		}
		for k, v := range rows[i] {
			sum[k] += v / float64(len(clean))
		}
	}
	return rows, Scores{sum[0], sum[1], sum[2], sum[3], sum[4], sum[5]}, nil
}

// inputs returns the images --input names (all of the test set when it
// names none) and their names: each comma-separated part is an image of the
// run's data set (test:3, train:5, or a bare number for the test set) or a
// path read by ReadImageFiles, in the order given.
func inputs(spec string, trainSet, testSet *data.Images) ([][]float32, []string, error) {
	var pixels [][]float32
	var names []string
	var pending []string // index parts not yet resolved, kept in order
	if strings.TrimSpace(spec) == "" {
		spec = strings.Join(indexStrings(explain.FirstTest(testSet.N, testSet)), ",")
	}
	flush := func() error {
		in, err := explain.ParseInputs(strings.Join(pending, ","))
		if err != nil {
			return err
		}
		p, _, err := explain.Resolve(in, trainSet, testSet)
		if err != nil {
			return err
		}
		for i, x := range in {
			pixels, names = append(pixels, p[i]), append(names, x.String())
		}
		pending = nil
		return nil
	}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		switch {
		case part == "":
		case isIndex(part):
			pending = append(pending, part)
		default:
			if err := flush(); err != nil {
				return nil, nil, err
			}
			p, n, err := ReadImageFiles(part, Shape{C: testSet.C, H: testSet.H, W: testSet.W})
			if err != nil {
				return nil, nil, err
			}
			pixels, names = append(pixels, p...), append(names, n...)
		}
	}
	if err := flush(); err != nil {
		return nil, nil, err
	}
	return pixels, names, nil
}

// indexStrings renders inputs in the form ParseInputs reads.
func indexStrings(in []explain.Input) []string {
	out := make([]string, len(in))
	for i, x := range in {
		out[i] = x.String()
	}
	return out
}

// RunFromConfig is `genxai denoise` (config.DenoiseSchema): it corrupts the
// inputs with the noise given (Corrupt), reconstructs them with the VAE of
// the run (the decoding of the posterior mean, latent.Model.Reconstruct),
// filters them with Median3, and writes the run directory: config.yaml;
// clean.png, noisy.png, median.png and denoised.png (the first show inputs);
// comparison.png (those four rows, labelled); scores.csv (PSNR and SSIM of
// every image); and summary.json with psnr_noisy, psnr_denoised,
// psnr_median, ssim_noisy, ssim_denoised and ssim_median, the means over the
// images. It returns the summary.
func RunFromConfig(ctx context.Context, c *config.Config, stdout, log io.Writer) (map[string]any, error) {
	noise, err := nets.ParseCorruption(c.String("noise"))
	if err == nil && noise.Kind == "none" {
		err = fmt.Errorf("none: nothing to remove; give gaussian:σ, saltpepper:p or mask:p")
	}
	if err != nil {
		return nil, fmt.Errorf("denoise: --noise %w", err)
	}
	run, trainSet, testSet, err := explain.OpenImages(c.String("run"), "denoise", "vae")
	if err != nil {
		return nil, err
	}
	clean, names, err := inputs(c.String("input"), trainSet, testSet)
	if err != nil {
		return nil, fmt.Errorf("denoise: %w", err)
	}
	model, err := latent.Load(run, c.String("executor"))
	if err != nil {
		return nil, fmt.Errorf("denoise: %w", err)
	}
	defer model.Close()
	fmt.Fprintf(log, "denoise: %d images of %s with %s noise (seed %d)\n", len(clean), run.Dir, noise, c.Int("seed"))
	noisy, err := Corrupt(ctx, clean, noise, int64(c.Int("seed")), model.Executor())
	if err != nil {
		return nil, fmt.Errorf("denoise: %w", err)
	}
	denoised, err := model.Reconstruct(noisy)
	if err != nil {
		return nil, fmt.Errorf("denoise: %w", err)
	}
	cfg := model.Config
	median := make([][]float32, len(noisy))
	for i, x := range noisy {
		median[i] = Median3(x, cfg.C, cfg.H, cfg.W)
	}
	rows, s, err := score(clean, noisy, denoised, median, cfg.C, cfg.H, cfg.W)
	if err != nil {
		return nil, fmt.Errorf("denoise: %w", err)
	}
	dir, err := runs.CreateNamed(c.String("out"), "denoise", c.Bool(config.ForceKey))
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	if err := dir.WriteConfig(c.Settings()); err != nil {
		return nil, err
	}
	if err := writeScores(dir, names, rows); err != nil {
		return nil, err
	}
	show := min(c.Int("show"), len(clean))
	if err := writeGrids(dir, cfg, show, clean, noisy, median, denoised); err != nil {
		return nil, err
	}
	summary := map[string]any{
		"run": run.Dir, "noise": noise.String(), "seed": c.Int("seed"), "images": len(clean),
		"model_denoise": cfg.Denoise.String(),
		"psnr_noisy":    s.PSNRNoisy, "psnr_denoised": s.PSNRDenoised, "psnr_median": s.PSNRMedian,
		"ssim_noisy": s.SSIMNoisy, "ssim_denoised": s.SSIMDenoised, "ssim_median": s.SSIMMedian,
		"psnr":        "mean over the images of 10·log10(1/MSE) in dB, pixels in [0, 1], capped at 100 dB",
		"ssim":        "mean SSIM (Wang et al. 2004): 11×11 Gaussian window, σ = 1.5, K1 = 0.01, K2 = 0.03, L = 1, positions where the window fits",
		"median":      "3×3 median filter, edges repeated",
		"denoised_by": "the VAE's decoding of the posterior mean of the noisy image",
	}
	if err := dir.WriteSummary(summary); err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "%d images, %s noise:\n  %-9s PSNR %6.2f dB  SSIM %.4f\n  %-9s PSNR %6.2f dB  SSIM %.4f\n  %-9s PSNR %6.2f dB  SSIM %.4f\nwrote %s\n",
		len(clean), noise, "noisy", s.PSNRNoisy, s.SSIMNoisy, "median", s.PSNRMedian, s.SSIMMedian, "denoised", s.PSNRDenoised, s.SSIMDenoised, dir.Path)
	return summary, nil
}

// writeScores writes scores.csv: each image's name, then the PSNR and SSIM
// of the noisy, denoised and median-filtered image.
func writeScores(dir *runs.Dir, names []string, rows [][6]float64) error {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = []string{names[i]}
		for _, v := range r {
			out[i] = append(out[i], strconv.FormatFloat(v, 'g', 8, 64))
		}
	}
	return runs.WriteCSV(dir.File("scores.csv"), []string{"input", "psnr_noisy", "psnr_denoised", "psnr_median", "ssim_noisy", "ssim_denoised", "ssim_median"}, out)
}

// writeGrids writes the first show images of each set as its own grid
// (8 columns) and comparison.png, the four sets as labelled rows.
func writeGrids(dir *runs.Dir, cfg nets.VAEConfig, show int, clean, noisy, median, denoised [][]float32) error {
	sets := []struct {
		name string
		imgs [][]float32
	}{{"clean", clean}, {"noisy", noisy}, {"median", median}, {"denoised", denoised}}
	scale := max(1, 56/cfg.H)
	var all [][]float32
	labels := make([]string, len(sets))
	for i, s := range sets {
		if err := viz.SavePNG(dir.File(s.name+".png"), viz.Grid(s.imgs[:show], cfg.C, cfg.H, cfg.W, 8, scale, 1)); err != nil {
			return err
		}
		all = append(all, s.imgs[:show]...)
		labels[i] = s.name
	}
	return viz.SavePNG(dir.File("comparison.png"), viz.GridWithLabels(all, cfg.C, cfg.H, cfg.W, show, scale, 1, labels))
}
