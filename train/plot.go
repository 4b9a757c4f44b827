package train

import (
	"fmt"

	"genxai/runs"
	"genxai/viz"
)

// PlotLoss draws loss.png from the run's metrics.jsonl: the running training
// loss against the step, and the held-out metric evalKey at the end of each
// epoch. Reading the file rather than memory keeps the curve whole across
// resumed runs.
func PlotLoss(dir *runs.Dir, evalKey, ylabel string) error {
	recs, err := dir.ReadMetrics()
	if err != nil {
		return fmt.Errorf("the loss plot: %w", err)
	}
	// Evaluation records also carry the running loss; the training curve
	// takes the per-step records only.
	var steps []map[string]any
	for _, r := range recs {
		if _, eval := r[evalKey]; !eval {
			steps = append(steps, r)
		}
	}
	trainLoss := viz.Series{Name: "training loss (running mean)"}
	eval := viz.Series{Name: evalKey}
	trainLoss.X, trainLoss.Y = runs.Series(steps, "loss")
	eval.X, eval.Y = runs.Series(recs, evalKey)
	var series []viz.Series
	for _, s := range []viz.Series{trainLoss, eval} {
		if len(s.X) > 0 {
			series = append(series, s)
		}
	}
	if len(series) == 0 {
		return nil
	}
	return viz.LinePlot(dir.File("loss.png"), "Loss", "optimizer step", ylabel, series)
}
