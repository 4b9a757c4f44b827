package main

import (
	"genxai/config"
	"genxai/xai/counterfactual"
	"genxai/xai/featviz"
	"genxai/xai/lags"
	"genxai/xai/latent"
	"genxai/xai/progress"
	"genxai/xai/saliency"
	"genxai/xai/tabular"
	"genxai/xai/tokens"
	"io"
)

// The one place where explain configs (config.ExplainSchema) become the
// option structs of the xai packages; each function runs one method.

func runSaliency(c *config.Config, _ io.Writer) (map[string]any, error) {
	o := saliencyOptions(c)
	o.Sanity = c.Bool("sanity")
	return saliency.Run(o)
}

func runCompare(c *config.Config, _ io.Writer) (map[string]any, error) {
	return saliency.Compare(saliency.CompareOptions{
		Options: saliencyOptions(c), CurveSteps: c.Int("curve_steps"), InsertionSigma: c.Float("insertion_sigma"),
		InfidelitySamples: c.Int("infidelity_samples"), InfidelityNoise: c.Float("infidelity_noise"),
		SensitivitySamples: c.Int("sensitivity_samples"), SensitivityRadius: c.Float("sensitivity_radius"),
	})
}

// saliencyOptions reads the keys explain saliency and explain compare share.
func saliencyOptions(c *config.Config) saliency.Options {
	return saliency.Options{
		Run: c.String("run"), Out: c.String("out"), Inputs: c.String("input"), Executor: c.String("executor"),
		Methods: c.Strings("methods"), Target: c.Int("target"), Steps: c.Int("steps"), Baseline: c.String("baseline"),
		BlurSigma: c.Float("blur_sigma"), Samples: c.Int("samples"), Noise: c.Float("noise"),
		Seed: int64(c.Int("seed")), Scale: c.String("scale"),
		MaxBatch: c.Int("max_batch"), VAEOutput: c.String("vae_output"), Window: c.Int("window"), Stride: c.Int("stride"),
		OcclusionValue: c.Float("occlusion_value"), Layer: c.String("layer"),
		ShapSamples: c.Int("shap_samples"), ShapNoise: c.Float("shap_noise"), ShapBaselines: c.Int("shap_baselines"),
	}
}

func runFeatviz(c *config.Config, log io.Writer) (map[string]any, error) {
	return featviz.Run(featviz.Options{
		Run: c.String("run"), Out: c.String("out"), Executor: c.String("executor"),
		Classes: c.String("classes"), Units: c.String("units"), Objective: c.String("objective"), Compare: c.Int("compare"),
		Prior: c.String("prior"), Generator: c.String("generator"), JudgeVAE: c.String("judge_vae"),
		Diversity: c.Int("diversity"), DiversityWeight: c.Float("diversity_weight"), Restarts: c.Int("restarts"), LatentL2: c.Float("latent_l2"),
		Params: featviz.Params{
			Steps: c.Int("steps"), LR: c.Float("lr"), L2: c.Float("l2"), TV: c.Float("tv"), Jitter: c.Int("jitter"),
			BlurEvery: c.Int("blur_every"), BlurSigma: c.Float("blur_sigma"), Rotate: c.Float("rotate"), Scale: c.Float("scale"),
			Seed: int64(c.Int("seed")),
		},
		Progress: progress.New(log, "featviz"),
	})
}

func runTokens(c *config.Config, _ io.Writer) (map[string]any, error) {
	return tokens.Run(tokens.Options{
		Run: c.String("run"), Out: c.String("out"), Executor: c.String("executor"),
		Prompt: c.String("prompt"), Tokens: c.Int("tokens"), Temperature: c.Float("temperature"),
		TopK: c.Int("top_k"), Seed: int64(c.Int("seed")),
	})
}

func runLags(c *config.Config, _ io.Writer) (map[string]any, error) {
	return lags.Run(lags.Options{
		Run: c.String("run"), Out: c.String("out"), Executor: c.String("executor"),
		Inputs: c.String("input"), Steps: c.Int("steps"),
	})
}

func runLatent(c *config.Config, _ io.Writer) (map[string]any, error) {
	return latent.Views(latent.ViewOptions{
		Run: c.String("run"), Out: c.String("out"), Inputs: c.String("input"), Executor: c.String("executor"),
		Steps: c.Int("steps"), Range: c.Float("range"), Interp: c.Int("interpolation_steps"), MaxDims: c.Int("max_dims"),
	})
}

func runAnomaly(c *config.Config, _ io.Writer) (map[string]any, error) {
	return latent.Anomaly(latent.AnomalyOptions{
		Run: c.String("run"), Out: c.String("out"), Inputs: c.String("input"), Executor: c.String("executor"),
		Samples: c.Int("samples"), Limit: c.Int("limit"), Seed: int64(c.Int("seed")),
	})
}

func runCounterfactual(c *config.Config, log io.Writer) (map[string]any, error) {
	return counterfactual.Run(counterfactual.Options{
		Run: c.String("run"), Out: c.String("out"), Inputs: c.String("input"), Executor: c.String("executor"),
		VAE: c.String("vae"), Target: c.Int("target"), N: c.Int("n"), Steps: c.Int("steps"), LR: c.Float("lr"),
		Lambda: c.Float("lambda"), Confidence: c.Float("confidence"), Show: c.Int("show"),
		Progress: progress.New(log, "counterfactual"),
	})
}

func runTabular(c *config.Config, _ io.Writer) (map[string]any, error) {
	return tabular.Run(tabular.Options{
		Run: c.String("run"), Out: c.String("out"), Rows: c.String("rows"), Samples: c.Int("samples"),
		Background: c.Int("background"), Exact: c.Bool("exact"), Repeats: c.Int("repeats"),
		Dependence: c.Int("dependence"), ICE: c.Int("ice"), Seed: uint64(c.Int("seed")), Workers: c.Int("workers"),
	})
}
