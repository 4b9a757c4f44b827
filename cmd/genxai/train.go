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

	"genxai/config"
	"genxai/models"
	"genxai/report"
	"genxai/train"
)

func init() {
	var cfgPath, out, resume, device string
	var force bool
	var sets []string
	cmd := &cobra.Command{
		Use:   "train -c FILE [--set key=value]... [--device auto|cpu|cuda] [--out DIR] [--resume DIR]",
		Short: "Train a model from a YAML config",
		Long: `Train a model from a YAML config, writing a run directory (run.json,
config.yaml, metrics.jsonl, pictures, checkpoint.safetensors, summary.json).
The directory is locked while a run writes it: a second writer is refused.

Settings come from the file, then GENXAI_* environment variables
(GENXAI_TRAIN_LR=3e-4 sets train.lr), then --set flags, then --device (the config's device key). With --resume DIR the run
continues from DIR's checkpoint with DIR's config (or -c FILE) plus --set
overrides. A resume may change only train.steps, train.epochs, the learning-rate
schedule (train.lr, train.schedule, train.min_lr, train.warmup_steps),
train.log_every, train.threads, train.blas_threads, device and train.executor,
for example --set train.epochs=20 to train longer; any other difference from
the checkpoint's config is refused, and the changes are printed and recorded
in metrics.jsonl and summary.json (resume_changes). --out with --resume writes
the continued run to another directory.

A new run (or --resume A --out B) refuses an --out that holds another run or
files a run could overwrite; --force deletes them first. Ctrl-C writes a
checkpoint and exits with status 130.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfgPath == "" && resume == "" {
				return fmt.Errorf("say which config to train: -c configs/vae-digits.yaml (or --resume RUN_DIR to continue a run)")
			}
			if cfgPath == "" {
				cfgPath = filepath.Join(resume, "config.yaml")
			}
			if device != "" {
				sets = append(sets, config.DeviceKey+"="+device)
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
	cmd.Flags().StringVar(&device, "device", "", deviceDoc)
	cmd.Flags().BoolVar(&force, "force", false, forceDoc)
	rootCmd.AddCommand(cmd)
}

// deviceDoc is the help of the --device flag of the commands that train a
// model (train, demo, bench): the config's device key.
const deviceDoc = "where to train: auto (a GPU when one answers, else the CPU), cpu or cuda; default: the config's device key"

// forceDoc is the help of the --force flag of every command whose --out is a
// run directory (runs.Create).
const forceDoc = "write into --out even when it holds another run or files a run could overwrite, deleting them first"

// runTraining runs one training request with Ctrl-C turned into a checkpoint
// and exit status 130, prints the summary, writes the run's report.html and
// prints its path last.
func runTraining(parent context.Context, req train.Request) error {
	if parent == nil {
		parent = context.Background()
	}
	ctx, stop := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if req.OutDir == "" {
		req.OutDir = req.Resume
	}
	if req.OutDir == "" {
		req.OutDir = train.DefaultRunDir(req.Config.String("model.kind"))
	}
	summary, err := models.Train(ctx, req)
	if err != nil {
		return err
	}
	b, _ := json.MarshalIndent(summary, "", "  ")
	fmt.Fprintf(req.Log, "summary:\n%s\n", b)
	path, err := report.Write(req.OutDir, report.Options{})
	if err != nil {
		return err
	}
	fmt.Fprintf(req.Log, "report: %s\n", path)
	return nil
}
