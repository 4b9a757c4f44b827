package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"

	"genxai/models"
	"genxai/train"
)

func init() {
	var cfgPath, out, resume string
	var force bool
	var sets []string
	cmd := &cobra.Command{
		Use:   "train -c FILE [--set key=value]... [--out DIR] [--resume DIR]",
		Short: "Train a model from a YAML config",
		Long: `Train a model from a YAML config, writing a run directory (config.yaml,
metrics.jsonl, pictures, checkpoint.safetensors, checkpoint.json, summary.json).

Settings come from the file, then GENXAI_* environment variables
(GENXAI_TRAIN_LR=3e-4 sets train.lr), then --set flags. With --resume DIR the run
continues from DIR's checkpoint with DIR's config (plus --set overrides), for
example --set train.epochs=20 to train longer. Ctrl-C writes a checkpoint and
exits with status 130.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfgPath == "" && resume == "" {
				return fmt.Errorf("say which config to train: -c configs/vae-digits.yaml (or --resume RUN_DIR to continue a run)")
			}
			if cfgPath == "" {
				cfgPath = filepath.Join(resume, "config.yaml")
			}
			c, err := models.LoadConfig(cfgPath, sets)
			if err != nil {
				return err
			}
			return runTraining(cmd.Context(), train.Request{Config: c, OutDir: out, Resume: resume, Overwrite: force, Log: cmd.OutOrStdout()})
		},
	}
	cmd.Flags().StringVarP(&cfgPath, "config", "c", "", "YAML config file")
	cmd.Flags().StringArrayVar(&sets, "set", nil, "override a config key: --set train.lr=3e-4 (repeatable)")
	cmd.Flags().StringVar(&out, "out", "", "run directory (default runs/<kind>-<time>, or the resumed directory)")
	cmd.Flags().StringVar(&resume, "resume", "", "continue the run in this directory from its checkpoint")
	cmd.Flags().BoolVar(&force, "force", false, "start a new run in a --out directory that holds an earlier run")
	rootCmd.AddCommand(cmd)
}

// runTraining runs one training request with Ctrl-C turned into a checkpoint
// and exit status 130, and prints the summary.
func runTraining(parent context.Context, req train.Request) error {
	if parent == nil {
		parent = context.Background()
	}
	ctx, stop := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	defer stop()
	summary, err := models.Train(ctx, req)
	if err != nil {
		return err
	}
	b, _ := json.MarshalIndent(summary, "", "  ")
	fmt.Fprintf(req.Log, "summary:\n%s\n", b)
	return nil
}
