package main

import (
	"io"

	"github.com/spf13/cobra"

	"genxai/config"
	"genxai/xai/eval"
)

func init() {
	cmd := &cobra.Command{
		Use:   "eval --run DIR [--judge RUN] [--samples N] [--iwae-k K] [--text FILE]",
		Short: "Measure a trained VAE, GAN or language model; write eval.json into its run directory",
		Long: `eval measures a trained run according to its kind and writes eval.json into
the run directory, printing a table:

  gan  fid, kid (kid_std), precision, recall, density, coverage and, for a
       conditional GAN, cas (with cas_real, its ceiling), all in the feature
       space of a judge classifier: --judge RUN, or the GAN's
       metrics.classifier_run; without one they are skipped with a message.
  vae  nll_iwae, the importance-weighted bound on -log p(x) with --iwae-k
       samples, and neg_elbo, in nats per test image.
  lm   bits_per_char on --text FILE or the run's validation text.

Every number carries its seed, its sample count and the judge's run and
checkpoint hash. docs/eval.md says what each means and costs.

Settings come from -c CONFIG, then GENXAI_* environment variables, then
--set key=value, then the flags, each a shorthand for its key (--iwae-k sets
iwae_k; docs/config.md).`,
	}
	schema := config.EvalSchema()
	rootCmd.AddCommand(configure(cmd, schema, allFlags(schema), func(c *config.Config, stdout, log io.Writer) error {
		_, err := eval.Evaluate(c, stdout, log)
		return err
	}))
}
