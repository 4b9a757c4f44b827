package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"genxai/configs"
	"genxai/models"
	"genxai/train"
)

func init() {
	var out string
	var force bool
	var sets []string
	cmd := &cobra.Command{
		Use:   "demo [--out DIR]",
		Short: "Train a small VAE on the embedded 8×8 digits (about a minute on two cores)",
		Long: `Train the embedded default job, configs/vae-digits.yaml: an MLP VAE on the
1797 8×8 digit images that ship inside genxai. It needs no download and no
GPU, and writes a complete run directory (default runs/demo): sample grids,
reconstructions, the loss curve, a checkpoint and summary.json. Running demo
again replaces an earlier demo run in --out; any other content of --out is
replaced only with --force.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := models.ParseConfig("configs/vae-digits.yaml (embedded)", configs.VAEDigits, sets)
			if err != nil {
				return err
			}
			if err := runTraining(cmd.Context(), train.Request{Config: c, OutDir: out, Overwrite: force, Command: "demo", Log: cmd.OutOrStdout()}); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "look at %s: samples_epoch*.png, reconstructions_epoch*.png, loss.png\n", out)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "runs/demo", "run directory")
	cmd.Flags().BoolVar(&force, "force", false, forceDoc)
	cmd.Flags().StringArrayVar(&sets, "set", nil, "override a config key (repeatable)")
	rootCmd.AddCommand(cmd)
}
