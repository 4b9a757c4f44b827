package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"genxai/config"
	"genxai/configs"
	"genxai/data"
	"genxai/models"
	"genxai/report"
	"genxai/runs"
	"genxai/train"
)

func init() {
	var out, device string
	var force, quick bool
	var sets []string
	cmd := &cobra.Command{
		Use:   "demo [--out DIR] [--quick] [--device auto|cpu|cuda]",
		Short: "The whole product on embedded data, in about two minutes on two cores, with one report",
		Long: `Run every part of genxai on data that ships inside the binary (no download,
no GPU), each part in its own run directory under --out (default runs/demo):

  vae             a VAE on the 1797 8×8 digits
  cnn             a CNN classifier on the digits
  cgan            a class-conditional GAN on the digits, scored by the CNN
  saliency        saliency maps of the CNN (gradient, SmoothGrad, IG, …)
  featviz         feature visualization of the CNN's classes
  latent          a latent traversal and interpolation of the VAE
  counterfactual  generative counterfactuals: the VAE changes digits until
                  the CNN reads a 3
  lm              a small character transformer on an essay embedded in the
                  binary, and tokens: its token heatmap
  augment         GMM augmentation of an RBF SVM on the breast-cancer table
  ebm, logreg     an Explainable Boosting Machine and a logistic regression
                  read as odds ratios, on the same table

--out/report.html links them all; it is the last line printed. Running demo
again replaces an earlier demo in --out; anything else there is replaced only
with --force.

--quick runs only the VAE (configs/vae-digits.yaml, about ten seconds), into
--out itself, as the demo did before: CI uses it.

--device puts every part that trains or runs a network on that device (the
configs say auto: a GPU when one answers, else the CPU).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if quick {
				if device != "" {
					sets = append(sets, config.DeviceKey+"="+device)
				}
				c, err := models.ParseConfig("configs/vae-digits.yaml (embedded)", configs.VAEDigits, sets)
				if err != nil {
					return err
				}
				return runTraining(cmd.Context(), train.Request{Config: c, OutDir: out, Overwrite: force, Command: "demo", Log: cmd.OutOrStdout()})
			}
			if len(sets) > 0 {
				return fmt.Errorf("--set applies to --quick only (the VAE's config); the full demo's parts have fixed configs in configs/demo-*.yaml")
			}
			return runDemo(cmd.Context(), out, device, force, cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&out, "out", "runs/demo", "directory of the demo's runs")
	cmd.Flags().BoolVar(&force, "force", false, forceDoc)
	cmd.Flags().BoolVar(&quick, "quick", false, "train only the VAE, into --out (the demo CI runs)")
	cmd.Flags().StringArrayVar(&sets, "set", nil, "override a key of the VAE's config, with --quick (repeatable)")
	cmd.Flags().StringVar(&device, "device", "", deviceDoc)
	rootCmd.AddCommand(cmd)
}

// demoPart is one run of the full demo: its directory under --out and how
// to make it (a training config, or a command line).
type demoPart struct {
	name, what string
	config     []byte   // a training config (with sets), or nil
	sets       []string // --set overrides of config; "OUT" is replaced by --out
	args       []string // a genxai command line; "OUT" is replaced by --out
}

// demoParts are the demo's runs in the order they are made (later parts use
// earlier ones).
var demoParts = []demoPart{
	{name: "vae", what: "VAE on the 8×8 digits", config: configs.VAEDigits, sets: []string{"train.epochs=20"}},
	{name: "cnn", what: "CNN classifier on the digits", config: configs.DemoCNN},
	{name: "cgan", what: "conditional GAN on the digits", config: configs.DemoCGAN, sets: []string{"metrics.classifier_run=OUT/cnn"}},
	{name: "saliency", what: "saliency maps of the CNN", args: []string{"explain", "saliency", "--run", "OUT/cnn", "--input", "test:0,test:1,test:2,test:3", "--steps", "64", "--samples", "20"}},
	{name: "featviz", what: "feature visualization of the CNN", args: []string{"explain", "featviz", "--run", "OUT/cnn", "--steps", "100", "--compare", "300"}},
	{name: "latent", what: "latent traversal of the VAE", args: []string{"explain", "latent", "--run", "OUT/vae", "--input", "test:3,test:17"}},
	{name: "counterfactual", what: "counterfactuals: VAE edits until the CNN reads a 3", args: []string{"explain", "counterfactual", "--run", "OUT/cnn", "--vae", "OUT/vae", "--target", "3", "--n", "24", "--steps", "150"}},
	{name: "lm", what: "character transformer on the embedded essay", config: configs.DemoLM, sets: []string{"data.path=OUT/corpus.txt"}},
	{name: "tokens", what: "token heatmap of the language model", args: []string{"explain", "tokens", "--run", "OUT/lm", "--prompt", "A small model ", "--tokens", "16"}},
	{name: "augment", what: "GMM augmentation of an SVM on the breast-cancer table", args: []string{"augment", "-c", "OUT/augment.yaml"}},
	{name: "ebm", what: "Explainable Boosting Machine on the breast-cancer table", args: []string{"glassbox", "ebm", "--train", "builtin:breast_cancer", "--split", "--outer-bags", "2", "--max-rounds", "600"}},
	{name: "logreg", what: "logistic regression odds ratios on the breast-cancer table", args: []string{"glassbox", "logreg", "--train", "builtin:breast_cancer", "--split", "--l2", "1", "--standardize"}},
}

// runDemo makes every part under out (on device when not "": see
// demoPart.run), writes out/report.html and prints its path last. Each
// part's output goes to out/demo-log.txt; a failing part's output is
// printed.
func runDemo(ctx context.Context, out, device string, force bool, w io.Writer) error {
	wasDemo := heldCommand(out) == "demo"
	if !wasDemo && !force {
		for _, p := range demoParts {
			if _, err := os.Stat(filepath.Join(out, p.name)); err == nil {
				return fmt.Errorf("%s holds %s, which is not part of an earlier demo and which the demo would overwrite: choose another --out, or pass --force to replace it", out, filepath.Join(out, p.name))
			}
		}
	}
	dir, err := runs.Create(out, "demo", force)
	if err != nil {
		return err
	}
	defer dir.Close()
	start := time.Now()
	// The language model's corpus and the augmentation study's config are
	// files the parts read.
	if err := writeBytes(dir.File("corpus.txt"), data.GenxaiCorpus); err != nil {
		return err
	}
	if err := writeBytes(dir.File("augment.yaml"), configs.DemoAugment); err != nil {
		return err
	}
	var log bytes.Buffer
	var names []string
	seconds := map[string]float64{}
	what := map[string]string{}
	for i, p := range demoParts {
		t0 := time.Now()
		fmt.Fprintf(w, "[%2d/%d] %-15s %s … ", i+1, len(demoParts), p.name, p.what)
		fmt.Fprintf(&log, "==== %s: %s\n", p.name, p.what)
		n := log.Len()
		if err := p.run(ctx, out, device, &log); err != nil {
			fmt.Fprintln(w, "failed")
			w.Write(log.Bytes()[n:])
			return fmt.Errorf("demo part %s (%s): %w", p.name, filepath.Join(out, p.name), err)
		}
		seconds[p.name] = time.Since(t0).Seconds()
		names, what[p.name] = append(names, p.name), p.what
		fmt.Fprintf(w, "%.1fs\n", seconds[p.name])
	}
	// The training runs' own reports again, now that the results made from
	// them sit beside them.
	for _, p := range demoParts {
		if p.config != nil {
			if _, err := report.Write(filepath.Join(out, p.name), report.Options{}); err != nil {
				return err
			}
		}
	}
	if err := writeBytes(dir.File("demo-log.txt"), log.Bytes()); err != nil {
		return err
	}
	if err := dir.WriteSummary(map[string]any{"parts": names, "part_what": what, "part_seconds": seconds, "seconds": time.Since(start).Seconds()}); err != nil {
		return err
	}
	path, err := report.Write(out, report.Options{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "demo done in %.0fs; every part is linked from its report:\n%s\n", time.Since(start).Seconds(), path)
	return nil
}

// run makes the part in out/name, with force (it replaces the part of an
// earlier demo; runDemo has refused anything else), its output going to log;
// a device other than "" goes to the config's device key of a training
// part and to --device of an explain or augment part (the glass-box parts
// run no network).
func (p demoPart) run(ctx context.Context, out, device string, log io.Writer) error {
	sub := filepath.Join(out, p.name)
	fill := func(ss []string) []string {
		r := make([]string, len(ss))
		for i, s := range ss {
			r[i] = strings.ReplaceAll(s, "OUT", out)
		}
		return r
	}
	if p.config != nil {
		sets := fill(p.sets)
		if device != "" {
			sets = append(sets, config.DeviceKey+"="+device)
		}
		c, err := models.ParseConfig("configs for the demo's "+p.name+" (embedded)", p.config, sets)
		if err != nil {
			return err
		}
		return runTraining(ctx, train.Request{Config: c, OutDir: sub, Overwrite: true, Command: "train", Log: log})
	}
	args := append(fill(p.args), "--out", sub, "--force")
	if device != "" && (p.args[0] == "explain" || p.args[0] == "augment") {
		args = append(args, "--device", device)
	}
	rootCmd.SetArgs(args)
	rootCmd.SetOut(log)
	rootCmd.SetErr(log)
	defer func() { rootCmd.SetArgs(nil); rootCmd.SetOut(nil); rootCmd.SetErr(nil) }()
	_, err := rootCmd.ExecuteContextC(ctx)
	return err
}

// heldCommand returns the command that wrote the run directory dir
// (run.json), or "" when there is none.
func heldCommand(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, runs.MarkerFile))
	if err != nil {
		return ""
	}
	var m struct{ Command string }
	json.Unmarshal(b, &m)
	return m.Command
}

// writeBytes writes b to path atomically.
func writeBytes(path string, b []byte) error {
	return runs.WriteFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}
