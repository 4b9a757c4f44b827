package generate

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"genxai/xai/gmm"
)

// tableStats accumulates the column moments, level counts and class counts
// of the rows of a table export as they are written (memory flat in N).
type tableStats struct {
	tm         *gmm.TableModel
	n          int
	sum, sumSq []float64 // per column (numeric)
	levels     [][]int   // per column, per level (categorical)
	classes    []int
}

func newTableStats(tm *gmm.TableModel) *tableStats {
	p := len(tm.Columns)
	st := &tableStats{tm: tm, sum: make([]float64, p), sumSq: make([]float64, p), levels: make([][]int, p), classes: make([]int, len(tm.Classes))}
	for j, c := range tm.Columns {
		if c.Levels != nil {
			st.levels[j] = make([]int, len(c.Levels))
		}
	}
	return st
}

// add counts one decoded row of class c.
func (st *tableStats) add(c int, row []float64) {
	st.n++
	st.classes[c]++
	for j, v := range row {
		if st.levels[j] != nil {
			st.levels[j][int(v)]++
			continue
		}
		st.sum[j] += v
		st.sumSq[j] += v * v
	}
}

// report prints the quality table to w (per numeric column the training
// mean and standard deviation stored in the model against the export's, per
// categorical level the shares, then the class shares) and returns it for
// summary.json.
func (st *tableStats) report(w io.Writer) map[string]any {
	n := float64(max(st.n, 1))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "quality: real = the training table (statistics stored in model.json), synthetic = this export")
	fmt.Fprintln(tw, "column\treal mean\tsynthetic mean\treal sd\tsynthetic sd\t")
	var cols []map[string]any
	for j, c := range st.tm.Columns {
		if c.Levels != nil {
			for k, l := range c.Levels {
				share := float64(st.levels[j][k]) / n
				fmt.Fprintf(tw, "%s = %s (share)\t%.4g\t%.4g\t\t\t\n", c.Name, l, c.Shares[k], share)
				cols = append(cols, map[string]any{"column": c.Name, "level": l, "real_share": c.Shares[k], "synthetic_share": share})
			}
			continue
		}
		mean := st.sum[j] / n
		sd := math.Sqrt(max(st.sumSq[j]/n-mean*mean, 0))
		fmt.Fprintf(tw, "%s\t%.4g\t%.4g\t%.4g\t%.4g\t\n", c.Name, c.Mean, mean, c.SD, sd)
		cols = append(cols, map[string]any{"column": c.Name, "real_mean": c.Mean, "synthetic_mean": mean, "real_sd": c.SD, "synthetic_sd": sd})
	}
	fmt.Fprintf(tw, "class share (%s)\treal\tsynthetic\t\t\t\n", st.tm.ClassColumn)
	shares := map[string]any{}
	for k, name := range st.tm.Classes {
		s := float64(st.classes[k]) / n
		fmt.Fprintf(tw, "%s\t%.4f\t%.4f\t\t\t\n", name, st.tm.ClassPriors[k], s)
		shares[name] = map[string]any{"real": st.tm.ClassPriors[k], "synthetic": s, "count": st.classes[k]}
	}
	tw.Flush()
	return map[string]any{"columns": cols, "class_shares": shares}
}
