package compare

import (
	"context"
	"fmt"
	"io"

	"genxai/config"
	"genxai/runs"
	"genxai/xai/progress"
)

// Write writes the results into the run directory: results.csv (mean and
// sd per size and model), trials.csv (every fit), accuracy.png (accuracy
// against training size), results.md and summary.json.
func (r *Results) Write(dir *runs.Dir) error {
	if err := runs.WriteCSV(dir.File("results.csv"), []string{"size", "train_rows", "model", "family", "accuracy_mean", "accuracy_sd", "seeds"}, r.cellRows()); err != nil {
		return err
	}
	if err := runs.WriteCSV(dir.File("trials.csv"), []string{"size", "train_rows", "repetition", "seed", "model", "family", "features", "accuracy", "seconds", "detail"}, r.trialRows()); err != nil {
		return err
	}
	if err := r.Plot(dir.File("accuracy.png")); err != nil {
		return err
	}
	if err := runs.WriteFileAtomic(dir.File("results.md"), func(w io.Writer) error {
		_, err := io.WriteString(w, r.Markdown())
		return err
	}); err != nil {
		return err
	}
	s := r.Summary()
	s[runs.SourceKey] = runs.Sources(r.Settings.Data, r.Settings.Test)
	return dir.WriteSummary(s)
}

// RunFromConfig is `genxai compare`: it loads the data of a config of
// config.CompareSchema and fixes the sizes (Open) before the run directory
// exists, so a bad data source or size is reported without leaving one;
// then it creates the directory (runs.CreateNamed, with the force rule of
// every command), writes config.yaml, runs the study with progress on log
// and writes the results (Results.Write). The table and the crossover
// verdicts go to stdout. It returns the summary.
func RunFromConfig(ctx context.Context, c *config.Config, stdout, log io.Writer) (map[string]any, error) {
	st, err := Open(FromConfig(c))
	if err != nil {
		return nil, fmt.Errorf("compare: %w", err)
	}
	dir, err := runs.CreateNamed(c.String("out"), "compare", c.Bool(config.ForceKey))
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	if err := dir.WriteConfig(c.Settings()); err != nil {
		return nil, err
	}
	st.Describe(log)
	res, err := st.Run(ctx, progress.New(log, "compare"))
	if err != nil {
		if progress.IsInterrupted(err) {
			return nil, err
		}
		return nil, fmt.Errorf("compare: %w", err)
	}
	if err := res.Write(dir); err != nil {
		return nil, err
	}
	fmt.Fprint(stdout, res.Markdown())
	fmt.Fprintf(stdout, "\n%d fits in %.0fs; wrote %s\n", len(res.Trials), res.Seconds, dir.Path)
	return res.Summary(), nil
}
