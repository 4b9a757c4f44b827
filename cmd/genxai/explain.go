package main

import (
	"fmt"
	"io"
	"sort"

	"github.com/spf13/cobra"

	"genxai/config"
	"genxai/runs"
)

// explainCmd groups the explanation methods; each reads a trained run
// directory (--run) and writes its pictures and summary.json into --out.
var explainCmd = &cobra.Command{
	Use:   "explain <method> --run DIR [--input ...] --out DIR",
	Short: "Explain a trained model: saliency, compare, featviz, tokens, lags, latent, anomaly, counterfactual, tabular",
	Long: `Explain what a trained model learned. Every method reads a run directory
written by genxai train (--run) and writes labelled pictures with colour bars and
a summary.json with its numbers into --out. Inputs are chosen as split:index
lists, e.g. --input test:3,test:17. Settings come from -c CONFIG, then GENXAI_*
environment variables, then --set key=value, then the flags, each a shorthand
for its key (--blur-sigma sets blur_sigma). See docs/explain.md and
docs/config.md.`,
	Args: cobra.NoArgs,
}

// explainMethod is one row of the table of explain subcommands: its help,
// and the function that runs it on a config of config.ExplainSchema(name).
type explainMethod struct {
	name, use, short, long string
	run                    func(c *config.Config, progress io.Writer) (map[string]any, error)
	print                  func(w io.Writer, s map[string]any) // extra lines after the summary, or nil
}

// explainMethods is the table of explain subcommands; their keys and flags
// come from config.ExplainSchema, their option structs from explainOptions.go.
var explainMethods = []explainMethod{
	{name: "saliency", run: runSaliency,
		use:   "saliency --run DIR --out DIR [--input test:0,...] [--methods gradient,ig,occlusion,gradcam,deeplift,...]",
		short: "Attributions of a classifier, a GAN discriminator or a VAE to the input pixels",
		long: `Attribute a classifier's logit (the predicted class, or --target K), a GAN
discriminator's logit, or a VAE's latent mean (--vae-output latent, unit
--target) or reconstruction error (--vae-output recon) to the input pixels:
vanilla gradient, gradient x input, SmoothGrad, Integrated Gradients (--steps,
--baseline black|blur), occlusion (--window, --stride, --occlusion-value),
Grad-CAM and guided Grad-CAM (--layer), DeepLIFT with the rescale rule and
GradientSHAP (--shap-samples, --shap-baselines, --shap-noise). Perturbed
inputs run --max-batch rows at a time. Writes saliency_<method>.png (input |
saliency | overlay), saliency_<method>.csv and summary.json with
ig_completeness_error and deeplift_summation_error; --sanity adds the
model-randomization check. --scale shared colours all maps of a picture on one
scale.`},
	{name: "compare", run: runCompare, print: printCompare,
		use:   "compare --run DIR --out DIR [--input test:0,...] [--methods gradient,ig,...]",
		short: "Faithfulness of the attribution methods: deletion/insertion AUC, infidelity, max-sensitivity, randomization",
		long: `Measure how faithful each saliency method is on a set of images (default the
first 16 test images): the deletion and insertion curves and their areas
(Petsiuk et al. 2018; pixels replaced by the --baseline image, or inserted into
the image blurred by --insertion-sigma, most attributed first, in --curve-steps
steps; a classifier's class probability), infidelity under Gaussian
perturbations and max-sensitivity within --sensitivity-radius (Yeh et al.
2019), and the model-randomization check (Adebayo et al. 2018), beside a random
pixel ordering. Writes compare.csv and compare.md (best deletion AUC first,
stating which methods do not beat the random ordering), compare.png (ranks),
compare_curves.png, compare_maps.png (--scale shared|per-image) and
summary.json. Method settings are those of explain saliency.`},
	{name: "featviz", run: runFeatviz,
		use:   "featviz --run DIR --out DIR [--classes 0,1,...] [--units 0,5,...] [--objective prob:3,channel:conv2:5,...] [--prior pixel|freq|generator]",
		short: "Activation maximization of a classifier's classes, units, channels or neurons, under a pixel, Fourier or generator prior",
		long: `Synthesize, for each class (or each unit of the last hidden layer with
--units, or each target of --objective: class:K logit, prob:K log-probability,
unit:U, channel:LAYER:C, neuron:LAYER:C:Y:X), pictures that maximize it.
--prior pixel climbs the pixels, regularized by L2 decay, jitter, total
variation and blur; --prior freq climbs 1/f-scaled Fourier coefficients under
random shifts, rotations (--rotate) and rescalings (--scale) (Olah et al.
2017); --prior generator climbs the latent code of --generator, a VAE or GAN
run (Nguyen et al. 2016), from --restarts random starts. --diversity N draws N
pictures per target pushed apart in feature space. --judge-vae RUN scores
each picture by that VAE's ELBO beside the ELBO range of the class's test
images. Writes featviz.png beside the best of --compare random training
images, featviz.csv and summary.json.`},
	{name: "tokens", run: runTokens, print: printContinuation,
		use:   "tokens --run DIR --out DIR --prompt TEXT [--tokens N]",
		short: "Token importance heatmaps and attention maps of a language model",
		long: `Continue --prompt by --tokens characters and explain each generated character:
the importance of every earlier character (norm of embedding x gradient of the
log-probability), drawn in tokens.png and in tokens.html (point at a character
to see its row), and the attention weights of every layer and head
(attention_l<L>_h<H>.png).`},
	{name: "lags", run: runLags,
		use:   "lags --run DIR --out DIR [--input 0,5] [--steps 64]",
		short: "Lag importance of a neural forecaster's test forecasts, beside AR(p)",
		long: `Attribute each one-step forecast of the test segment of a forecaster run to
the past values it read (integrated gradients from the training mean, in the
series' units; a row sums to forecast minus the forecast at the mean), drawn
in lags.png (forecast time x lag) and lags.csv. AR(p), fitted on the same
training segment with p chosen by AIC, gets its exact attributions
phi_k (y(t-k) - mean) in lags_ar.png and lags_ar.csv, and comparison.csv and
summary.json put the test RMSE and MAE of the network, AR(p) and the last
value side by side. summary.json also holds the completeness error and the
causality check (forecasts and attributions unchanged, bit for bit, when every
value at or after the forecast time is NaN).`},
	{name: "latent", run: runLatent,
		use:   "latent --run DIR --out DIR [--input test:3,test:17]",
		short: "VAE latent traversals and interpolations",
		long: `Draw traversal.png (one row per latent dimension, most active first, columns
from -range to +range standard deviations around the encoding of the first
--input or the prior mean) and interpolation.png (decodings between the
encodings of the first two --input images).`},
	{name: "anomaly", run: runAnomaly,
		use:   "anomaly --run DIR --out DIR [--samples K]",
		short: "VAE anomaly maps and scores, with ROC-AUC for held-out classes",
		long: `Score every test image of a VAE run by its negative ELBO (--samples 1) or the
importance-weighted bound with K samples, draw per-pixel |x - x^| maps with a
colour bar, and, when the run left classes out (data.exclude_classes), report
the ROC-AUC of the score for those classes against the rest (summary.json
roc_auc, roc.png).`},
	{name: "counterfactual", run: runCounterfactual,
		use:   "counterfactual --run CLASSIFIER_DIR --vae VAE_DIR --target K --out DIR",
		short: "Generative counterfactuals: the nearest latent change that flips the classifier to --target",
		long: `For each image, search the VAE's latent space near the image's encoding for a
code whose decoding the classifier assigns to --target (cross-entropy plus
lambda times the squared latent distance, Adam). Writes counterfactuals.png
(original | reconstruction | counterfactual | difference) and summary.json
with success_rate, mean_latent_distance and mean_pixel_distance.`},
	{name: "tabular", run: runTabular,
		use:   "tabular --run DIR --out DIR [--rows 0-99] [--samples N] [--background 100]",
		short: "SHAP values, permutation importance, partial dependence and ICE of a logreg, EBM or SVM run",
		long: `Explain a tabular model (glassbox logreg, glassbox ebm or a binary svm run)
on held-out rows: KernelSHAP values (Lundberg and Lee 2017) against a background
of training rows, exact Shapley values by enumeration for up to 12 features,
permutation importance on the held-out set, partial dependence with ICE curves.
Writes shap.csv, importance.csv, dependence.csv, beeswarm.png,
waterfall_<row>.png, dependence_<feature>.png, pdp_<feature>.png and
summary.json. Coalitions are evaluated in parallel; the seed fixes the result.`},
}

func init() {
	rootCmd.AddCommand(explainCmd)
	for _, m := range explainMethods {
		explainCmd.AddCommand(m.command())
	}
}

// command builds the subcommand: one flag per key of the method's schema.
func (m explainMethod) command() *cobra.Command {
	schema, ok := config.ExplainSchema(m.name)
	if !ok {
		panic("explain: no schema for method " + m.name)
	}
	cmd := &cobra.Command{Use: m.use, Short: m.short, Long: m.long}
	return configure(cmd, schema, allFlags(schema), func(c *config.Config, stdout, stderr io.Writer) error {
		if c.Bool(config.ForceKey) {
			// --force: clear out here; the method's runs.Create then finds
			// an (empty) explanation of its own kind and replaces it.
			d, err := runs.Create(c.String("out"), "explain "+m.name, true)
			if err != nil {
				return err
			}
			d.Close()
		}
		s, err := m.run(c, stderr)
		if err != nil {
			return err
		}
		printSummary(stdout, c.String("out"), s)
		if m.print != nil {
			m.print(stdout, s)
		}
		printReportCommand(stdout, c.String("run"), c.String("out"))
		return nil
	})
}

// printSummary prints where the results went and the scalar numbers.
func printSummary(w io.Writer, out string, s map[string]any) {
	fmt.Fprintf(w, "wrote %s\n", out)
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch v := s[k].(type) {
		case float64:
			fmt.Fprintf(w, "  %s: %.6g\n", k, v)
		case int:
			fmt.Fprintf(w, "  %s: %d\n", k, v)
		}
	}
}

// printContinuation prints the prompt and the generated text of tokens.
func printContinuation(w io.Writer, s map[string]any) {
	fmt.Fprintf(w, "  text: %q + %q\n", s["prompt"], s["continuation"])
}

// printCompare prints the comparison table and the verdict on the random
// ordering.
func printCompare(w io.Writer, s map[string]any) {
	fmt.Fprintf(w, "  deletion AUC below the random ordering's (%.4f): %v\n", s["random_deletion_auc"], s["deletion_below_random"])
	fmt.Fprintf(w, "  not below it: %v\n", s["deletion_not_below_random"])
}
