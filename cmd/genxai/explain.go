package main

import (
	"fmt"
	"io"
	"sort"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"genxai/xai/counterfactual"
	"genxai/xai/featviz"
	"genxai/xai/latent"
	"genxai/xai/saliency"
	"genxai/xai/tokens"
)

// explainCmd groups the explanation methods; each reads a trained run
// directory (--run) and writes its pictures and summary.json into --out.
var explainCmd = &cobra.Command{
	Use:   "explain <method> --run DIR [--input ...] --out DIR",
	Short: "Explain a trained model: saliency, featviz, tokens, latent, anomaly, counterfactual",
	Long: `Explain what a trained model learned. Every method reads a run directory
written by genxai train (--run) and writes labelled pictures with colour bars and
a summary.json with its numbers into --out. Inputs are chosen as split:index
lists, e.g. --input test:3,test:17. See docs/explain.md.`,
	Args: cobra.NoArgs,
}

// explainFlags are the flags every method has.
type explainFlags struct {
	run, out, input, executor string
}

func (f *explainFlags) add(fs *pflag.FlagSet, inputHelp string) {
	fs.StringVar(&f.run, "run", "", "run directory of the trained model")
	fs.StringVar(&f.out, "out", "", "output directory for the explanation")
	fs.StringVar(&f.input, "input", "", inputHelp)
	fs.StringVar(&f.executor, "executor", "tape", "graph executor (tape = Gorgonia's TapeMachine)")
}

func (f *explainFlags) check() error {
	if f.run == "" {
		return fmt.Errorf("say which run to explain: --run runs/<name> (a directory written by genxai train)")
	}
	if f.out == "" {
		return fmt.Errorf("say where to write the explanation: --out DIR")
	}
	return nil
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

func init() {
	rootCmd.AddCommand(explainCmd)
	explainCmd.AddCommand(saliencyCmd(), featvizCmd(), tokensCmd(), latentCmd(), anomalyCmd(), counterfactualCmd())
}

func saliencyCmd() *cobra.Command {
	var f explainFlags
	o := saliency.Options{}
	cmd := &cobra.Command{
		Use:   "saliency --run DIR --out DIR [--input test:0,...] [--methods gradient,gradxinput,smoothgrad,ig]",
		Short: "Gradient attributions of a classifier or a GAN discriminator",
		Long: `Attribute a classifier's logit (the predicted class, or --target K) or a GAN
discriminator's logit to the input pixels: vanilla gradient, gradient x input,
SmoothGrad and Integrated Gradients (--steps, --baseline black|blur). Writes
saliency_<method>.png (input | saliency | overlay) and summary.json with
ig_completeness_error; --sanity adds the model-randomization check.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(); err != nil {
				return err
			}
			o.Run, o.Out, o.Inputs, o.Executor = f.run, f.out, f.input, f.executor
			s, err := saliency.Run(o)
			if err != nil {
				return err
			}
			printSummary(cmd.OutOrStdout(), f.out, s)
			return nil
		},
	}
	fs := cmd.Flags()
	f.add(fs, "images to explain, e.g. test:0,test:5 (default the first 8 test images)")
	fs.StringSliceVar(&o.Methods, "methods", nil, "methods to run (default all): gradient, gradxinput, smoothgrad, ig")
	fs.IntVar(&o.Target, "target", -1, "class whose logit is explained (-1 = each image's predicted class)")
	fs.IntVar(&o.Steps, "steps", 256, "Integrated Gradients steps")
	fs.StringVar(&o.Baseline, "baseline", "black", "Integrated Gradients baseline: black or blur")
	fs.Float64Var(&o.BlurSigma, "blur-sigma", 2, "standard deviation in pixels of the blurred baseline")
	fs.IntVar(&o.Samples, "samples", 50, "SmoothGrad samples")
	fs.Float64Var(&o.Noise, "noise", 0.15, "SmoothGrad noise as a fraction of the image's value range")
	fs.BoolVar(&o.Sanity, "sanity", false, "also compare with a randomly initialized copy of the classifier (Adebayo et al. 2018)")
	fs.Int64Var(&o.Seed, "seed", 1, "seed of the SmoothGrad noise and the randomized weights")
	return cmd
}

func featvizCmd() *cobra.Command {
	var f explainFlags
	o := featviz.Options{}
	cmd := &cobra.Command{
		Use:   "featviz --run DIR --out DIR [--classes 0,1,...] [--units 0,5,...]",
		Short: "Activation maximization of a classifier's class logits or hidden units",
		Long: `Synthesize, for each class (or each unit of the last hidden layer with
--units), an input that maximizes its logit (or activation), regularized by L2
decay, jitter, total variation and blur. Writes featviz.png beside the best of
--compare random training images, and summary.json.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(); err != nil {
				return err
			}
			o.Run, o.Out, o.Executor = f.run, f.out, f.executor
			s, err := featviz.Run(o)
			if err != nil {
				return err
			}
			printSummary(cmd.OutOrStdout(), f.out, s)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.run, "run", "", "run directory of the trained classifier")
	fs.StringVar(&f.out, "out", "", "output directory for the explanation")
	fs.StringVar(&f.executor, "executor", "tape", "graph executor (tape = Gorgonia's TapeMachine)")
	fs.StringVar(&o.Classes, "classes", "", "classes to visualize, e.g. 0,3,7 (default all)")
	fs.StringVar(&o.Units, "units", "", "units of the last hidden layer to visualize instead of classes, e.g. 0,5")
	fs.IntVar(&o.Compare, "compare", 1000, "random training images to compare with")
	fs.IntVar(&o.Params.Steps, "steps", 200, "gradient-ascent steps")
	fs.Float64Var(&o.Params.LR, "lr", 0.05, "Adam step size in pixel units")
	fs.Float64Var(&o.Params.L2, "l2", 0.001, "weight of the L2 decay")
	fs.Float64Var(&o.Params.TV, "tv", 0.02, "weight of the total variation")
	fs.IntVar(&o.Params.Jitter, "jitter", 1, "random shift in pixels per step")
	fs.IntVar(&o.Params.BlurEvery, "blur-every", 25, "blur the image every this many steps (0 = never)")
	fs.Float64Var(&o.Params.BlurSigma, "blur-sigma", 0.5, "standard deviation of that blur in pixels")
	fs.Int64Var(&o.Params.Seed, "seed", 1, "seed of the start image, the jitter and the compared images")
	return cmd
}

func latentCmd() *cobra.Command {
	var f explainFlags
	o := latent.ViewOptions{}
	cmd := &cobra.Command{
		Use:   "latent --run DIR --out DIR [--input test:3,test:17]",
		Short: "VAE latent traversals and interpolations",
		Long: `Draw traversal.png (one row per latent dimension, most active first, columns
from -range to +range standard deviations around the encoding of the first
--input or the prior mean) and interpolation.png (decodings between the
encodings of the first two --input images).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(); err != nil {
				return err
			}
			o.Run, o.Out, o.Inputs, o.Executor = f.run, f.out, f.input, f.executor
			s, err := latent.Views(o)
			if err != nil {
				return err
			}
			printSummary(cmd.OutOrStdout(), f.out, s)
			return nil
		},
	}
	fs := cmd.Flags()
	f.add(fs, "traverse around the first image, interpolate between the first two, e.g. test:3,test:17")
	fs.IntVar(&o.Steps, "steps", 7, "columns of the traversal")
	fs.Float64Var(&o.Range, "range", 3, "the traversal spans the centre ± range prior standard deviations")
	fs.IntVar(&o.Interp, "interpolation-steps", 10, "decodings along the interpolation, ends included")
	fs.IntVar(&o.MaxDims, "max-dims", 0, "rows of the traversal, most active dimensions first (0 = all)")
	return cmd
}

func anomalyCmd() *cobra.Command {
	var f explainFlags
	o := latent.AnomalyOptions{}
	cmd := &cobra.Command{
		Use:   "anomaly --run DIR --out DIR [--samples K]",
		Short: "VAE anomaly maps and scores, with ROC-AUC for held-out classes",
		Long: `Score every test image of a VAE run by its negative ELBO (--samples 1) or the
importance-weighted bound with K samples, draw per-pixel |x - x^| maps with a
colour bar, and, when the run left classes out (data.exclude_classes), report
the ROC-AUC of the score for those classes against the rest (summary.json
roc_auc, roc.png).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(); err != nil {
				return err
			}
			o.Run, o.Out, o.Inputs, o.Executor = f.run, f.out, f.input, f.executor
			s, err := latent.Anomaly(o)
			if err != nil {
				return err
			}
			printSummary(cmd.OutOrStdout(), f.out, s)
			return nil
		},
	}
	fs := cmd.Flags()
	f.add(fs, "images to draw maps of (default 8 of the training classes and 8 of the excluded ones)")
	fs.IntVar(&o.Samples, "samples", 1, "1 = negative ELBO; K > 1 = importance-weighted estimate with K samples")
	fs.IntVar(&o.Limit, "limit", 0, "score at most this many test images (0 = all)")
	fs.Int64Var(&o.Seed, "seed", 1, "seed of the latent noise")
	return cmd
}

func counterfactualCmd() *cobra.Command {
	var f explainFlags
	o := counterfactual.Options{}
	cmd := &cobra.Command{
		Use:   "counterfactual --run CLASSIFIER_DIR --vae VAE_DIR --target K --out DIR",
		Short: "Generative counterfactuals: the nearest latent change that flips the classifier to --target",
		Long: `For each image, search the VAE's latent space near the image's encoding for a
code whose decoding the classifier assigns to --target (cross-entropy plus
lambda times the squared latent distance, Adam). Writes counterfactuals.png
(original | reconstruction | counterfactual | difference) and summary.json
with success_rate, mean_latent_distance and mean_pixel_distance.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(); err != nil {
				return err
			}
			if !cmd.Flags().Changed("target") {
				return fmt.Errorf("say which class the counterfactuals should reach: --target K")
			}
			o.Run, o.Out, o.Inputs, o.Executor = f.run, f.out, f.input, f.executor
			s, err := counterfactual.Run(o)
			if err != nil {
				return err
			}
			printSummary(cmd.OutOrStdout(), f.out, s)
			return nil
		},
	}
	fs := cmd.Flags()
	f.add(fs, "images to change (default the first --n test images neither labelled nor classified as the target)")
	fs.StringVar(&o.VAE, "vae", "", "run directory of a VAE trained on the same data")
	fs.IntVar(&o.Target, "target", 0, "class the counterfactuals should be assigned to")
	fs.IntVar(&o.N, "n", 100, "number of default images")
	fs.IntVar(&o.Steps, "steps", 300, "at most this many Adam steps per image")
	fs.Float64Var(&o.LR, "lr", 0.05, "Adam step size in latent units")
	fs.Float64Var(&o.Lambda, "lambda", 0.01, "weight of the squared latent distance")
	fs.Float64Var(&o.Confidence, "confidence", 0.5, "target probability needed for success")
	fs.IntVar(&o.Show, "show", 16, "images drawn in counterfactuals.png")
	return cmd
}

func tokensCmd() *cobra.Command {
	var f explainFlags
	o := tokens.Options{}
	cmd := &cobra.Command{
		Use:   "tokens --run DIR --out DIR --prompt TEXT [--tokens N]",
		Short: "Token importance heatmaps and attention maps of a language model",
		Long: `Continue --prompt by --tokens characters and explain each generated character:
the importance of every earlier character (norm of embedding x gradient of the
log-probability), drawn in tokens.png and in tokens.html (point at a character
to see its row), and the attention weights of every layer and head
(attention_l<L>_h<H>.png).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(); err != nil {
				return err
			}
			o.Run, o.Out, o.Executor = f.run, f.out, f.executor
			s, err := tokens.Run(o)
			if err != nil {
				return err
			}
			printSummary(cmd.OutOrStdout(), f.out, s)
			fmt.Fprintf(cmd.OutOrStdout(), "  text: %q + %q\n", s["prompt"], s["continuation"])
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.run, "run", "", "run directory of the trained language model")
	fs.StringVar(&f.out, "out", "", "output directory for the explanation")
	fs.StringVar(&f.executor, "executor", "tape", "graph executor (tape = Gorgonia's TapeMachine)")
	fs.StringVar(&o.Prompt, "prompt", "", "text to continue")
	fs.IntVar(&o.Tokens, "tokens", 20, "characters to generate (fewer than model.block)")
	fs.Float64Var(&o.Temperature, "temperature", 0, "sampling temperature (0 = the most likely character)")
	fs.IntVar(&o.TopK, "top-k", 0, "sample among the k most likely characters (0 = all)")
	fs.Int64Var(&o.Seed, "seed", 1, "sampling seed")
	return cmd
}
