package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"genxai/config"
	"genxai/models"
)

func init() {
	var cfgPath, device string
	var sets []string
	var o models.BenchOptions
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "bench -c FILE [--set key=value]... [--device auto|cpu|cuda] [--steps N] [--rounds R] [--warmup W] [--json]",
		Short: "Time training steps of a config on the CPU or a GPU, against the device's floor",
		Long: `Time the training step of the model a training config describes, as genxai
train runs it (the same task, device, executor and batch; batches in the order
of the run's first epoch), without writing a run directory. After --warmup
untimed steps (compilation, CUDA graph capture, caches), --rounds rounds of
--steps steps are timed; a round's clock stops once its last step has finished
on the device. It prints the median time per step, each round's, examples per
second, the step's cost counted from the plan (the products' floating-point
operations and the least memory the step touches) and, on a GPU, the floor:
max(FLOPs ÷ peak FP32 rate, bytes ÷ peak bandwidth), from the clocks the
driver reports, and the fraction of it the step reaches. --json prints the
report as one JSON line instead (what scripts/gpu-check.sh records).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfgPath == "" {
				return fmt.Errorf("say which config to time: -c configs/vae-fashion-mlp.yaml")
			}
			if device != "" {
				sets = append(sets, config.DeviceKey+"="+device)
			}
			c, err := models.LoadConfig(cfgPath, sets)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if !asJSON {
				o.Log = w
			}
			rep, err := models.Bench(cmd.Context(), c, cfgPath, o)
			if err != nil {
				return err
			}
			if asJSON {
				b, err := json.Marshal(rep)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(w, "%s\n", b)
				return err
			}
			_, err = fmt.Fprint(w, rep)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVarP(&cfgPath, "config", "c", "", "YAML training config")
	f.StringArrayVar(&sets, "set", nil, "override a config key: --set train.batch_size=256 (repeatable)")
	f.StringVar(&device, "device", "", deviceDoc)
	f.IntVar(&o.Steps, "steps", 50, "timed steps per round")
	f.IntVar(&o.Rounds, "rounds", 5, "timed rounds; the median is reported")
	f.IntVar(&o.Warmup, "warmup", 10, "untimed steps first")
	f.BoolVar(&asJSON, "json", false, "print the report as one JSON line")
	rootCmd.AddCommand(cmd)
}
