package generate

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand"
	"strconv"
	"strings"
	"time"

	"genxai/runs"
	"genxai/xai/gmm"
	"genxai/xai/progress"
)

// tableRows is the data file of a table export.
const tableRows = "synthetic.csv"

// ExportTable is genxai generate --model: it draws the rows o asks for from
// the per-class Gaussian mixtures of a model.json written by genxai gmm
// --per-class (a class from --class, the classes in turn with --per-class,
// or the model's class priors otherwise; then the row from that class's
// mixture), decodes them to table values (gmm.TableModel.Decode, clipped to
// the training range with o.Clip) and streams them, 1,000 at a time, into
// synthetic.csv in the run directory o.Out: the class column, then the
// feature columns, under their training names. provenance.json,
// summary.json and config.yaml go beside it; the quality table (per-column
// mean and standard deviation and the class shares, training against
// synthetic) goes to stdout and summary.json.
func ExportTable(ctx context.Context, o Options, settings map[string]any, stdout, log io.Writer) (map[string]any, error) {
	tm, err := gmm.LoadTableModel(o.Model)
	if err != nil {
		return nil, fmt.Errorf("generate --model: %w", err)
	}
	if o.Format != "" && o.Format != "csv" {
		return nil, fmt.Errorf("generate --model: --format %s: a table model writes its rows as CSV; leave --format out or give csv", o.Format)
	}
	if o.Judge != "" {
		return nil, fmt.Errorf("generate --model: --judge scores images; a table export prints its column statistics instead, leave --judge out")
	}
	n, classOf, err := planTable(o, tm)
	if err != nil {
		return nil, fmt.Errorf("generate --model: %w", err)
	}
	dir, err := createOut(o, settings)
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	fmt.Fprintf(log, "generate: %d rows of %d columns from %s (%d classes of %q) into %s, seed %d\n",
		n, len(tm.Columns)+1, o.Model, len(tm.Classes), tm.ClassColumn, dir.Path, o.Seed)
	start := time.Now()
	st := newTableStats(tm)
	err = runs.WriteFileAtomic(dir.File(tableRows), func(w io.Writer) error {
		return streamRows(ctx, tm, w, n, classOf, o, st, progress.New(log, "generate"))
	})
	if err != nil {
		return nil, err
	}
	secs := time.Since(start).Seconds()
	prov := map[string]any{
		"model": absPath(o.Model), "model_kind": "gmm " + gmm.PerClassKind, "model_sha256": tm.SHA256(),
		"seed": o.Seed, "count": n, "format": "csv", "files": []string{tableRows}, "clip": o.Clip,
		"class_column": tm.ClassColumn, "classes": tm.Classes, "classes_drawn": classPlan(o, tm),
		"date": time.Now().Format(time.RFC3339), "versions": runs.Versions(),
	}
	if err := dir.WriteJSON("provenance.json", prov); err != nil {
		return nil, err
	}
	summary := map[string]any{"count": n, "format": "csv", "seconds": secs, "rows_per_second": float64(n) / max(secs, 1e-9)}
	fmt.Fprintf(stdout, "wrote %d rows to %s in %.2fs (%.0f rows/s)\n", n, dir.File(tableRows), secs, float64(n)/max(secs, 1e-9))
	summary["quality"] = st.report(stdout)
	if err := dir.WriteSummary(summary); err != nil {
		return nil, err
	}
	return summary, nil
}

// planTable fixes the number of rows and how each row's class is chosen:
// --class K for every row, --per-class M for row i of class i mod K (so
// exactly M of each), otherwise a draw from the class priors (classOf
// returns −1 and the stream draws).
func planTable(o Options, tm *gmm.TableModel) (n int, classOf func(i int) int, err error) {
	k := len(tm.Classes)
	n = o.N
	switch {
	case o.Class >= k:
		return 0, nil, fmt.Errorf("--class %d is not a class of %s: its classes of %q are %s", o.Class, o.Model, tm.ClassColumn, classList(tm))
	case o.Class >= 0 && o.PerClass > 0:
		return 0, nil, fmt.Errorf("--class and --per-class exclude each other: give --class K with -n N, or --per-class M alone")
	case o.PerClass > 0 && o.N > 0 && o.N != o.PerClass*k:
		return 0, nil, fmt.Errorf("-n %d and --per-class %d disagree: %d classes × %d is %d; give only one of them", o.N, o.PerClass, k, o.PerClass, o.PerClass*k)
	case o.PerClass > 0:
		n = o.PerClass * k
	}
	if n < 1 {
		return 0, nil, fmt.Errorf("nothing to generate: give -n N (rows) or --per-class M")
	}
	switch {
	case o.Class >= 0:
		return n, func(int) int { return o.Class }, nil
	case o.PerClass > 0:
		return n, func(i int) int { return i % k }, nil
	}
	return n, func(int) int { return -1 }, nil
}

// classList names the classes of tm with their indices: "0 = M, 1 = B".
func classList(tm *gmm.TableModel) string {
	parts := make([]string, len(tm.Classes))
	for k, c := range tm.Classes {
		parts[k] = fmt.Sprintf("%d = %s", k, c)
	}
	return strings.Join(parts, ", ")
}

// classPlan says in provenance.json how the rows' classes were chosen.
func classPlan(o Options, tm *gmm.TableModel) string {
	switch {
	case o.Class >= 0:
		return fmt.Sprintf("every row of class %d (%s)", o.Class, tm.Classes[o.Class])
	case o.PerClass > 0:
		return fmt.Sprintf("row i of class i mod %d", len(tm.Classes))
	}
	return fmt.Sprintf("each row's class drawn from the class priors %v", tm.ClassPriors)
}

// streamRows writes the CSV header and n rows to w, chunk by chunk: for each
// chunk the classes of its rows (drawn from the priors where classOf says
// −1), then each class's rows from its mixture in class order, all from one
// source seeded by o.Seed, so the same seed gives the same file.
func streamRows(ctx context.Context, tm *gmm.TableModel, w io.Writer, n int, classOf func(int) int, o Options, st *tableStats, meter *progress.Meter) error {
	defer meter.Finish()
	rng := rand.New(rand.NewSource(o.Seed))
	cw := csv.NewWriter(w)
	record := []string{tm.ClassColumn}
	for _, c := range tm.Columns {
		record = append(record, c.Name)
	}
	if err := cw.Write(record); err != nil {
		return err
	}
	k, d := len(tm.Classes), len(tm.Features)
	cum := make([]float64, k)
	s := 0.0
	for c, p := range tm.ClassPriors {
		s += p
		cum[c] = s
	}
	var row []float64
	classes := make([]int, 0, chunk)
	for first := 0; first < n; first += chunk {
		if err := progress.Check(ctx, "generate", fmt.Sprintf("%d of %d rows", first, n)); err != nil {
			return err
		}
		classes = classes[:0]
		counts := make([]int, k)
		for i := first; i < min(first+chunk, n); i++ {
			c := classOf(i)
			if c < 0 {
				u := rng.Float64() * s
				for c = 0; c < k-1 && u >= cum[c]; c++ {
				}
			}
			classes = append(classes, c)
			counts[c]++
		}
		draws := make([][]float64, k)
		for c, m := range counts {
			if m > 0 {
				draws[c] = tm.Sample(c, m, rng)
			}
		}
		next := make([]int, k)
		for _, c := range classes {
			row = tm.Decode(row[:0], draws[c][next[c]*d:(next[c]+1)*d], o.Clip)
			next[c]++
			st.add(c, row)
			record = append(record[:0], tm.Classes[c])
			for j, v := range row {
				if lv := tm.Columns[j].Levels; lv != nil {
					record = append(record, lv[int(v)])
				} else {
					record = append(record, strconv.FormatFloat(v, 'g', 6, 64))
				}
			}
			if err := cw.Write(record); err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		meter.Report(int64(first+len(classes)), int64(n), "rows", "", false)
	}
	return nil
}
