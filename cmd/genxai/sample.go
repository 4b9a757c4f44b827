package main

import (
	"fmt"
	"genxai/models"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"
)

func init() {
	var o models.SampleOptions
	var run string
	var force bool
	var device string
	cmd := &cobra.Command{
		Use:   "sample --run DIR [-n N] [--out FILE] [--device run|auto|cpu|cuda]",
		Short: "Draw samples from a trained model",
		Long: `Draw samples from the model trained in a run directory: an image grid for a
VAE or GAN (--class K for a class-conditional GAN), text for a language model
(--prompt, --tokens, --temperature, --top-k). The default output is
DIR/sampled.png (DIR/sampled.txt for a language model), replaced by each
sample; an existing --out FILE is replaced only with --force.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if run == "" {
				return fmt.Errorf("say which run to sample from: --run runs/vae-...")
			}
			if err := checkOutFile(o.Out, force); err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			o.Ctx, o.Stream = ctx, cmd.OutOrStdout()
			models.UseDevice(device, cmd.ErrOrStderr())
			path, err := models.Sample(run, o)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s\n", path)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&run, "run", "", "run directory of a trained model")
	f.IntVarP(&o.N, "n", "n", 64, fmt.Sprintf("number of images (1 to %d: one picture)", models.MaxImages))
	f.StringVar(&o.Out, "out", "", "output file (default DIR/sampled.png; the training run's own samples.png is left alone)")
	f.BoolVar(&force, "force", false, "replace an existing --out FILE")
	f.StringVar(&device, "device", "run", "where the model runs: run (the run's own device setting), auto (a GPU when one answers, else the CPU), cpu or cuda")
	f.Int64Var(&o.Seed, "seed", 1, "noise seed")
	f.IntVar(&o.Class, "class", -1, "class to condition on (conditional GAN)")
	f.StringVar(&o.Prompt, "prompt", "", "text to continue (language model)")
	f.IntVar(&o.Tokens, "tokens", 200, "characters to generate (language model); printed as they are generated, Ctrl-C stops and keeps them")
	f.Float64Var(&o.Temperature, "temperature", 1.0, "sampling temperature (language model)")
	f.IntVar(&o.TopK, "top-k", 0, "sample among the k most likely characters; 0 = all (language model)")
	rootCmd.AddCommand(cmd)
}

// checkOutFile refuses an --out FILE that is a directory, or that exists
// unless force is set; "" (the default output in the run directory) passes.
func checkOutFile(out string, force bool) error {
	if out == "" {
		return nil
	}
	fi, err := os.Stat(out)
	switch {
	case err != nil:
		return nil
	case fi.IsDir():
		return fmt.Errorf("--out %s is a directory; give a file name, for example --out %s", out, filepath.Join(out, "samples.png"))
	case !force:
		return fmt.Errorf("--out %s already exists; choose another file name, or pass --force to replace it", out)
	}
	return nil
}
