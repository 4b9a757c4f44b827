package train

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"genxai/runs"
	"genxai/viz"
)

// PlotLoss draws loss.png from the run's metrics.jsonl: the running training
// loss against the step, and the held-out metric evalKey at the end of each
// epoch. Reading the file rather than memory keeps the curve whole across
// resumed runs.
func PlotLoss(dir *runs.Dir, evalKey, ylabel string) error {
	f, err := os.Open(dir.File("metrics.jsonl"))
	if err != nil {
		return fmt.Errorf("reading metrics for the loss plot: %w", err)
	}
	defer f.Close()
	train := viz.Series{Name: "training loss (running mean)"}
	eval := viz.Series{Name: evalKey}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if json.Unmarshal(sc.Bytes(), &rec) != nil {
			continue
		}
		step, _ := rec["step"].(float64)
		if v, ok := rec[evalKey].(float64); ok {
			eval.X = append(eval.X, step)
			eval.Y = append(eval.Y, v)
		} else if v, ok := rec["loss"].(float64); ok {
			train.X = append(train.X, step)
			train.Y = append(train.Y, v)
		}
	}
	var series []viz.Series
	if len(train.X) > 0 {
		series = append(series, train)
	}
	if len(eval.X) > 0 {
		series = append(series, eval)
	}
	if len(series) == 0 {
		return nil
	}
	return viz.LinePlot(dir.File("loss.png"), "Loss", "optimizer step", ylabel, series)
}
