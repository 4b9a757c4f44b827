package config

import "slices"

// explainMethod lists one explain method's own keys and whether it takes
// the shared input key (images chosen as split:index lists).
type explainMethod struct {
	name     string
	runDoc   string
	inputDoc string // "" when the method has no input key
	keys     []Key
}

// explainMethods are the methods of `genxai explain`, in the order of the
// reference. Their keys are the fields of the methods' option structs
// (xai/saliency.Options, xai/featviz.Options, …), which cmd/genxai/explain.go
// fills from a loaded config.
var explainMethods = []explainMethod{
	{"saliency", "run directory of a trained classifier, GAN or VAE",
		"images to explain, e.g. test:0,test:5 (empty: the first 8 test images)", append(saliencyKeys(),
			BoolKey("sanity", false, "also compare with a randomly initialized copy of the classifier (Adebayo et al. 2018)"))},
	{"compare", "run directory of a trained classifier, GAN or VAE",
		"images the measures average over, e.g. test:0,test:5 (empty: the first 16 test images)", append(saliencyKeys(),
			IntKey("curve_steps", 28, "steps of the deletion and insertion curves (each replaces pixels/curve_steps pixels)").AtLeast(1),
			FloatKey("insertion_sigma", 4, "the insertion curve starts from the image blurred by this standard deviation in pixels (0: from the black image)").AtLeast(0),
			IntKey("infidelity_samples", 32, "Gaussian perturbations per image of the infidelity").Range(1, 100000),
			FloatKey("infidelity_noise", 0.1, "standard deviation of those perturbations (pixel units; a fraction of x - baseline for attributions multiplied by the input)").GreaterThan(0),
			IntKey("sensitivity_samples", 8, "perturbed inputs per image of the max-sensitivity (each reruns the method)").Range(1, 10000),
			FloatKey("sensitivity_radius", 0.02, "the max-sensitivity perturbs inputs uniformly within this L-infinity radius (pixel units)").GreaterThan(0),
		)},
	{"featviz", "run directory of a trained classifier", "", []Key{
		StringKey("classes", "", "classes to visualize, e.g. 0,3,7 (empty: all)"),
		StringKey("units", "", "units of the last hidden layer to visualize instead of classes, e.g. 0,5"),
		StringKey("objective", "", "targets instead of classes and units: class:K (logit), prob:K (log-probability), unit:U, channel:LAYER:C, neuron:LAYER:C:Y:X, comma-separated"),
		StringKey("prior", "pixel", "parameterization: pixel (regularized pixels), freq (1/f-scaled Fourier coefficients with random shift, rotation and scale; Olah et al. 2017) or generator (latent code of --generator; Nguyen et al. 2016)").OneOf("pixel", "freq", "generator"),
		StringKey("generator", "", "generator prior: run directory of a VAE or GAN trained on the same images"),
		StringKey("judge_vae", "", "run directory of a VAE whose ELBO judges each picture against the class's test images (empty: no judge)"),
		IntKey("diversity", 1, "pictures per target").Range(1, 64),
		FloatKey("diversity_weight", 1, "weight of the diversity term (mean cosine similarity of the pictures' features)").AtLeast(0),
		IntKey("restarts", 1, "random starts per picture; the one reaching the highest value is kept").Range(1, 64),
		FloatKey("latent_l2", 0.01, "generator prior: weight of the penalty (|z| - sqrt(latent))^2").AtLeast(0),
		IntKey("compare", 1000, "random training images to compare with").AtLeast(1),
		IntKey("steps", 200, "gradient-ascent steps").AtLeast(1),
		FloatKey("lr", 0.05, "Adam step size in pixel units").GreaterThan(0),
		FloatKey("l2", 0.001, "weight of the L2 decay").AtLeast(0),
		FloatKey("tv", 0.02, "weight of the total variation").AtLeast(0),
		IntKey("jitter", 1, "random shift in pixels per step").AtLeast(0),
		IntKey("blur_every", 25, "blur the image every this many steps (0: never)").AtLeast(0),
		FloatKey("blur_sigma", 0.5, "standard deviation of that blur in pixels").AtLeast(0),
		FloatKey("rotate", 8, "freq prior: random rotation of up to this many degrees per step").AtLeast(0),
		FloatKey("scale", 0.1, "freq prior: random rescaling by a factor within 1 ± scale per step").Range(0, 0.9),
		IntKey("seed", 1, "seed of the start image, the jitter and the compared images"),
	}},
	{"tokens", "run directory of a trained language model", "", []Key{
		StringKey("prompt", "", "text to continue").Require(),
		IntKey("tokens", 20, "characters to generate (fewer than model.block)").AtLeast(1),
		FloatKey("temperature", 0, "sampling temperature (0: the most likely character)").AtLeast(0),
		IntKey("top_k", 0, "sample among the k most likely characters (0: all)").AtLeast(0),
		IntKey("seed", 1, "sampling seed"),
	}},
	{"lags", "run directory of a trained forecaster (model.kind: forecaster)",
		"test forecasts to attribute, 0-based in time order, e.g. 0,5 or test:0,test:5 (empty: all)", []Key{
			IntKey("steps", 64, "integrated-gradients steps (midpoint rule)").AtLeast(1),
		}},
	{"latent", "run directory of a trained VAE",
		"traverse around the first image, interpolate between the first two, e.g. test:3,test:17", []Key{
			IntKey("steps", 7, "columns of the traversal").AtLeast(1),
			FloatKey("range", 3, "the traversal spans the centre ± range prior standard deviations").GreaterThan(0),
			IntKey("interpolation_steps", 10, "decodings along the interpolation, ends included").AtLeast(2),
			IntKey("max_dims", 0, "rows of the traversal, most active dimensions first (0: all)").AtLeast(0),
		}},
	{"anomaly", "run directory of a trained VAE",
		"images to draw maps of (empty: 8 of the training classes and 8 of the excluded ones)", []Key{
			IntKey("samples", 1, "1: negative ELBO; K > 1: importance-weighted estimate with K samples").Range(1, 10000),
			IntKey("limit", 0, "score at most this many test images (0: all)").AtLeast(0),
			IntKey("seed", 1, "seed of the latent noise"),
		}},
	{"counterfactual", "run directory of a trained classifier",
		"images to change (empty: the first n test images neither labelled nor classified as the target)", []Key{
			StringKey("vae", "", "run directory of a VAE trained on the same data").Require(),
			IntKey("target", 0, "class the counterfactuals should be assigned to").AtLeast(0).Require(),
			IntKey("n", 100, "number of default images").AtLeast(1),
			IntKey("steps", 300, "at most this many Adam steps per image").AtLeast(1),
			FloatKey("lr", 0.05, "Adam step size in latent units").GreaterThan(0),
			FloatKey("lambda", 0.01, "weight of the squared latent distance").AtLeast(0),
			FloatKey("confidence", 0.5, "target probability needed for success").Range(0, 1),
			IntKey("show", 16, "images drawn in counterfactuals.png").AtLeast(0),
		}},
	{"tabular", "run directory of a glassbox logreg, glassbox ebm or (binary) svm run", "", []Key{
		StringKey("rows", "", "held-out rows to explain, e.g. 0-99 or 3,17 (empty: the first 10; test rows, or training rows without a test set)"),
		IntKey("samples", 0, "KernelSHAP coalitions per row (0: 2·features + 2048; with 2^features − 2 or more every coalition is enumerated and the values are exact)").AtLeast(0),
		IntKey("background", 100, "training rows, drawn from the seed, that stand in for an absent feature").AtLeast(1),
		BoolKey("exact", true, "also compute exact Shapley values by enumeration when the model has at most 12 features"),
		IntKey("repeats", 5, "shuffles per feature of the permutation importance").AtLeast(1),
		IntKey("dependence", 4, "features (largest mean |SHAP| first) with partial dependence, ICE and dependence plots").AtLeast(0),
		IntKey("ice", 10, "ICE curves drawn per feature").AtLeast(0),
		IntKey("seed", 1, "seed of the background draw, the coalition samples and the shuffles").AtLeast(0),
		IntKey("workers", 0, "goroutines evaluating coalitions (0: all cores)").AtLeast(0),
	}},
}

// saliencyKeys are the keys of the attribution methods, shared by explain
// saliency and explain compare (a fresh slice on each call).
func saliencyKeys() []Key {
	return []Key{
		StringListKey("methods", []string{}, "attribution methods to run (empty: all the model supports)").OneOf("gradient", "gradxinput", "smoothgrad", "ig",
			"occlusion", "gradcam", "guided_gradcam", "deeplift", "gradshap"),
		IntKey("target", -1, "class whose logit (VAE: latent unit whose mean) is explained (-1: each image's predicted class, or its latent unit of largest |mean|)").AtLeast(-1),
		StringKey("vae_output", "latent", "what a VAE's attributions explain: latent (the encoder mean of unit target) or recon (the reconstruction error at z = mean)").OneOf("latent", "recon"),
		IntKey("max_batch", 128, "rows of one forward/backward pass: the memory budget of the path methods (IG, SmoothGrad, GradientSHAP) and occlusion").Range(1, 65536),
		IntKey("steps", 256, "Integrated Gradients steps").AtLeast(1),
		StringKey("baseline", "black", "Integrated Gradients and DeepLIFT baseline").OneOf("black", "blur"),
		FloatKey("blur_sigma", 2, "standard deviation in pixels of the blurred baseline").GreaterThan(0),
		IntKey("samples", 50, "SmoothGrad samples").AtLeast(1),
		FloatKey("noise", 0.15, "SmoothGrad noise as a fraction of the image's value range").AtLeast(0),
		IntKey("window", 4, "occlusion window side in pixels").AtLeast(1),
		IntKey("stride", 2, "occlusion window step in pixels").AtLeast(1),
		FloatKey("occlusion_value", 0, "value the occlusion window puts in the pixels it covers"),
		StringKey("layer", "", "convolutional layer of Grad-CAM, e.g. conv1 (empty: the last)"),
		IntKey("shap_samples", 50, "GradientSHAP samples per image").Range(1, 100000),
		FloatKey("shap_noise", 0, "GradientSHAP noise standard deviation in pixel units").AtLeast(0),
		IntKey("shap_baselines", 20, "GradientSHAP baselines: this many random training images").AtLeast(1),
		IntKey("seed", 1, "seed of the SmoothGrad and GradientSHAP draws and of the randomized weights"),
		StringKey("scale", "per-image", "colour scale of the heatmaps: per-image (each map divided by its own max |attribution|) or shared (one scale for all maps of a picture, so magnitudes compare)").OneOf("per-image", "shared"),
	}
}

// ExplainMethods returns the names of the explain methods.
func ExplainMethods() []string {
	out := make([]string, len(explainMethods))
	for i, m := range explainMethods {
		out[i] = m.name
	}
	return out
}

// ExplainSchema returns the config schema of `genxai explain <method>`,
// named "explain <method>": the keys every method shares (run, out,
// executor, and input for the methods that take images) followed by the
// method's own. It reports false for an unknown method.
func ExplainSchema(method string) (Schema, bool) {
	i := slices.IndexFunc(explainMethods, func(m explainMethod) bool { return m.name == method })
	if i < 0 {
		return Schema{}, false
	}
	m := explainMethods[i]
	keys := []Key{
		StringKey("run", "", m.runDoc).Require(),
		StringKey("out", "", "output directory for the explanation").Require(),
		forceKey(),
		StringKey("executor", "", "graph executor (tape: Gorgonia's TapeMachine); empty = the run's train.executor"),
		deviceKey(),
	}
	if m.inputDoc != "" {
		keys = append(keys, StringKey("input", "", m.inputDoc))
	}
	keys = append(keys, m.keys...)
	return Schema{Name: "explain " + method, Keys: keys}, true
}
