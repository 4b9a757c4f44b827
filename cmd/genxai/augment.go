package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"genxai/config"
	"genxai/models"
	"genxai/runs"
	"genxai/xai/augment"
)

func init() {
	var cfgPath, out, export, device string
	var force bool
	var sets []string
	cmd := &cobra.Command{
		Use:   "augment -c configs/augment-NAME.yaml [--set key=value]... [--device run|auto|cpu|cuda] [--out DIR] [--export DIR]",
		Short: "Measure whether generated data helps an SVM trained on few real examples",
		Long: `augment draws n real labelled examples per class, maps them to features (raw,
PCA, or the embedding of a trained classifier run), takes a generator (a
Gaussian mixture per class with its size chosen by BIC, or a trained
class-conditional GAN run), trains an SVM on the real examples plus synthetic
ones at each synthetic-to-real ratio, and scores it on the untouched real test
set, repeated over several seeds. Data, settings and run directories are
checked before the output directory is created. The run directory
receives results.csv, results.md (mean ± sd accuracy, the paired difference to
the no-augmentation baseline and a verdict), accuracy.png, accuracy-delta.png,
runs.csv, metrics.jsonl, summary.json and config.yaml. Keys are listed in
docs/augment.md; override any with --set key=value.

With --export DIR the training set of the best augmented setting (the
largest mean gain over the baseline) is written to DIR as augmented.csv
(columns synthetic 0/1, the label, the features by name) with export.json
saying which setting and why; the CSV loads in genxai svm --train.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cfgPath == "" && len(args) == 1 {
				cfgPath = args[0]
			}
			if cfgPath == "" {
				return fmt.Errorf("say which study to run: -c configs/augment-breast-cancer.yaml")
			}
			if device != "" {
				sets = append(sets, config.DeviceKey+"="+device)
			}
			return runAugment(cmd, cfgPath, sets, out, export, force)
		},
	}
	cmd.Flags().StringVarP(&cfgPath, "config", "c", "", "YAML config file")
	cmd.Flags().StringArrayVar(&sets, "set", nil, "override a config key: --set seeds=3 (repeatable)")
	cmd.Flags().StringVar(&device, "device", "", "where the GAN and classifier runs run: run (each run's own device setting), auto (a GPU when one answers, else the CPU), cpu or cuda; default: the config's device key")
	cmd.Flags().StringVar(&out, "out", "", "run directory (default runs/augment-<name>-<time>)")
	cmd.Flags().StringVar(&export, "export", "", "also write the best augmented setting's training set (real + synthetic rows) to this directory")
	cmd.Flags().BoolVar(&force, "force", false, forceDoc)
	rootCmd.AddCommand(cmd)
}

func runAugment(cmd *cobra.Command, cfgPath string, sets []string, out, export string, force bool) error {
	c, err := config.Load(cfgPath, augment.Schema(), sets)
	if err != nil {
		return err
	}
	models.UseDevice(c.String(config.DeviceKey), cmd.ErrOrStderr())
	if out == "" {
		name := strings.TrimSuffix(filepath.Base(cfgPath), filepath.Ext(cfgPath))
		name = strings.TrimPrefix(name, "augment-")
		out = filepath.Join("runs", "augment-"+name+"-"+time.Now().Format("20060102-150405"))
	}
	// Everything that can be checked (key combinations, data, the trained
	// runs and their shapes) is checked before the run directory exists.
	study, err := augment.Open(augment.FromConfig(c))
	if err != nil {
		return fmt.Errorf("augment %s: %w", cfgPath, err)
	}
	defer study.Close()
	for _, w := range study.Warnings {
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s\n", w)
	}
	dir, err := runs.Create(out, "augment", force)
	if err != nil {
		return err
	}
	defer dir.Close()
	var exportDir *runs.Dir
	if export != "" {
		if exportDir, err = runs.CreateNamed(export, "augment-export", force); err != nil {
			return err
		}
		defer exportDir.Close()
	}
	if err := dir.WriteConfig(c.Settings()); err != nil {
		return err
	}
	metrics, err := dir.OpenMetrics()
	if err != nil {
		return err
	}
	defer metrics.Close()
	errw := cmd.ErrOrStderr()
	prog := newAugmentProgress(errw)
	res, err := study.Run(augment.Options{Progress: prog.update, Log: metrics.Log})
	prog.finish()
	if err != nil {
		return fmt.Errorf("augment %s: %w", cfgPath, err)
	}
	if err := res.Write(dir); err != nil {
		return err
	}
	if err := metrics.Close(); err != nil {
		return err
	}
	w := cmd.OutOrStdout()
	fmt.Fprint(w, res.Markdown())
	fmt.Fprintf(w, "\n%d SVMs in %.0fs; wrote %s\n", len(res.Trials), res.Seconds, dir.Path)
	if exportDir != nil {
		note, err := study.Export(res, exportDir)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "exported n_per_class %v, ratio %v (%v real + %v synthetic rows) to %s: %s\n",
			note["n_per_class"], note["ratio"], note["real_rows"], note["synthetic_rows"], exportDir.File(augment.ExportFile), note["why"])
	}
	return writeReport(w, dir.Path)
}

// augmentProgress shows a bar on a terminal and one line per fitted model
// otherwise.
type augmentProgress struct {
	out   io.Writer
	bar   *progressbar.ProgressBar
	start time.Time
}

func newAugmentProgress(out io.Writer) *augmentProgress {
	p := &augmentProgress{out: out, start: time.Now()}
	if f, ok := out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions(-1, // total known at the first update
			progressbar.OptionSetWriter(out),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionFullWidth(),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

func (p *augmentProgress) update(e augment.Progress) {
	if p.bar != nil {
		if p.bar.GetMax() != e.Total {
			p.bar.ChangeMax(e.Total)
		}
		p.bar.Describe(e.Msg)
		_ = p.bar.Set(e.Done)
		return
	}
	fmt.Fprintf(p.out, "[%d/%d %4.0fs] %s\n", e.Done, e.Total, time.Since(p.start).Seconds(), e.Msg)
}

func (p *augmentProgress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
