package glassbox

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"genxai/config"
	"genxai/runs"
	"genxai/viz"
	"genxai/xai/kan"
)

// KANOptionsFromConfig reads the fit options of a `glassbox kan` config.
func KANOptionsFromConfig(c *config.Config) kan.Options {
	return kan.Options{
		Hidden: c.Ints("hidden"), Grid: c.Int("grid"), GridExtend: c.Int("grid_extend"),
		Steps: c.Int("steps"), RetrainSteps: c.Int("retrain_steps"), LR: c.Float("lr"),
		Reg:            kan.Reg{Lambda: c.Float("lambda"), MuL1: c.Float("mu_l1"), MuEntropy: c.Float("mu_entropy")},
		PruneThreshold: c.Float("prune_threshold"), Seed: uint64(c.Int("seed")),
	}
}

// RunKAN fits the Kolmogorov–Arnold Network a `glassbox kan` config
// describes (xai/kan) and writes its run directory: config.yaml,
// summary.json (accuracy, log loss and ROC AUC on the test rows, or the
// training rows without a test set; the training stages; what pruning
// removed; the symbolic suggestions), model.json, edges.csv (every edge
// function sampled at 101 points), symbolic.csv, edges.png (a grid of the
// first layer's edge functions: for a one-layer KAN the additive shape
// functions) and edges_layer<l>.png for later layers. Categorical columns
// are one-hot coded; missing cells are refused. It returns the run
// directory's path; ctx stops the training (the error is ctx's).
func RunKAN(ctx context.Context, c *config.Config, stdout, log io.Writer) (string, error) {
	start := time.Now()
	ds, err := loadData(c, true, false)
	if err != nil {
		return "", fmt.Errorf("glassbox kan: %w", err)
	}
	if ds.wtr != nil {
		return "", fmt.Errorf("glassbox kan: weight column %q: the KAN does not take frequency weights; expand the grouped rows or drop --weight", ds.weight)
	}
	dir, err := openRunDir(c, "kan")
	if err != nil {
		return "", err
	}
	defer dir.Close()
	enc := ds.encoding(true)
	xtr, features := enc.EncodeAll(ds.xtr, ds.ntr), enc.Columns()
	m, h, err := kan.Fit(ctx, features, ds.classes, xtr, ds.ytr, KANOptionsFromConfig(c), func(f string, a ...any) {
		fmt.Fprintf(log, f+"\n", a...)
	})
	if err != nil {
		return dir.Path, fmt.Errorf("glassbox kan: %w", err)
	}
	if err := dir.WriteConfig(c.Settings()); err != nil {
		return dir.Path, err
	}
	fitSeconds := time.Since(start).Seconds()
	tr, err := m.Score(xtr, ds.ytr)
	if err != nil {
		return dir.Path, err
	}
	ev, on := tr, "training"
	s := map[string]any{
		"model": "kan", "status": "ok", "task": "classification", "data": ds.source,
		"n_train": ds.ntr, "n_features": len(features), "classes": ds.classes, "widths": m.Widths,
		"grid": c.Int("grid"), "grid_extend": c.Int("grid_extend"), "history": h,
		"active_features": m.ActiveInputs(), "pruned_inputs": h.PrunedInputs, "pruned_hidden": h.PrunedHidden,
		"train_accuracy": tr.Accuracy, "train_log_loss": tr.LogLoss, "fit_seconds": fitSeconds,
	}
	if ds.xte != nil {
		xte := enc.EncodeAll(ds.xte, ds.nte)
		if ev, err = m.Score(xte, ds.yte); err != nil {
			return dir.Path, err
		}
		on = "test"
		s["n_test"], s["test_accuracy"], s["test_log_loss"] = ds.nte, ev.Accuracy, ev.LogLoss
	}
	s["accuracy"], s["log_loss"], s["accuracy_on"], s["metrics_on"] = ev.Accuracy, ev.LogLoss, on, on
	if !math.IsNaN(ev.AUC) {
		s["auc"] = ev.AUC
		if on == "test" {
			s["test_auc"] = ev.AUC
		}
	}
	if cs := categoricalSummary(enc); cs != nil {
		s["categorical"] = cs
	}
	sym := m.Symbolic(c.Float("symbolic_r2"))
	var suggested []string
	for _, e := range sym {
		if e.Suggested {
			suggested = append(suggested, fmt.Sprintf("%s → %s: %s (R² %.4f)", e.From, e.To, e.Formula, e.R2))
		}
	}
	s["symbolic"], s["symbolic_suggested"], s["symbolic_r2"] = sym, suggested, c.Float("symbolic_r2")
	if err := writeKANFiles(dir, m, sym); err != nil {
		return dir.Path, err
	}
	s["seconds"], s[runs.SourceKey] = time.Since(start).Seconds(), runs.Sources(c.String("train"), c.String("test"))
	if err := dir.WriteSummary(s); err != nil {
		return dir.Path, err
	}
	fmt.Fprintf(stdout, "Kolmogorov–Arnold Network %v, %d training rows; active inputs %d of %d\n", m.Widths, ds.ntr, len(m.ActiveInputs()), len(features))
	for _, line := range suggested {
		fmt.Fprintln(stdout, "  symbolic:", line)
	}
	fmt.Fprintf(stdout, "Accuracy on the %s rows: %.4f, log loss %.4f", on, ev.Accuracy, ev.LogLoss)
	if !math.IsNaN(ev.AUC) {
		fmt.Fprintf(stdout, ", AUC %.4f", ev.AUC)
	}
	fmt.Fprintf(stdout, " (training accuracy %.4f)", tr.Accuracy)
	if on == "training" {
		fmt.Fprint(stdout, " (no --test or --split was given: measured on the training rows, an optimistic estimate)")
	}
	fmt.Fprintf(stdout, "\nRun directory: %s\n", dir.Path)
	return dir.Path, nil
}

// writeKANFiles writes model.json, edges.csv, symbolic.csv and the edge
// plots of a fitted KAN.
func writeKANFiles(dir *runs.Dir, m *kan.Model, sym []kan.SymbolicEdge) error {
	if err := dir.WriteJSON("model.json", m); err != nil {
		return err
	}
	edges := m.Edges(101)
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }
	err := runs.WriteFileAtomic(dir.File("edges.csv"), func(w io.Writer) error {
		if _, err := fmt.Fprintln(w, "layer,from,to,active,x,phi"); err != nil {
			return err
		}
		for _, e := range edges {
			for k := range e.X {
				if _, err := fmt.Fprintf(w, "%d,%s,%s,%t,%s,%s\n", e.Layer, csvQuote(e.From), csvQuote(e.To), e.Active, f(e.X[k]), f(e.Y[k])); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = runs.WriteFileAtomic(dir.File("symbolic.csv"), func(w io.Writer) error {
		if _, err := fmt.Fprintln(w, "layer,from,to,function,a,b,c,d,r2,suggested,formula"); err != nil {
			return err
		}
		for _, e := range sym {
			if _, err := fmt.Fprintf(w, "%d,%s,%s,%s,%s,%s,%s,%s,%s,%t,%s\n", e.Layer, csvQuote(e.From), csvQuote(e.To), e.Function,
				f(e.A), f(e.B), f(e.C), f(e.D), f(e.R2), e.Suggested, csvQuote(e.Formula)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for l := range m.Layers {
		var panels []viz.Panel
		for _, e := range edges {
			if e.Layer != l {
				continue
			}
			title := e.From + " → " + e.To
			if !e.Active {
				title += " (pruned)"
			}
			panels = append(panels, viz.Panel{Title: title, X: e.X, Y: e.Y, Faded: !e.Active})
		}
		name := "edges.png"
		if l > 0 {
			name = fmt.Sprintf("edges_layer%d.png", l)
		}
		title := fmt.Sprintf("KAN %v, layer %d: edge functions φ(x), x in the feature's units", m.Widths, l)
		if l > 0 {
			title = fmt.Sprintf("KAN %v, layer %d: edge functions φ(x), x the hidden node's value", m.Widths, l)
		}
		if err := viz.LinePanels(dir.File(name), title, panels, min(6, len(panels))); err != nil {
			return err
		}
	}
	return nil
}
