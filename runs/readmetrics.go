package runs

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
)

// ReadMetrics returns the records of the run's metrics.jsonl in file order,
// one map per line; lines that are not JSON objects (a line cut short by a
// crash) are skipped. Plots read the file rather than memory so their curves
// stay whole across resumed runs.
func (d *Dir) ReadMetrics() ([]map[string]any, error) {
	f, err := os.Open(d.File("metrics.jsonl"))
	if err != nil {
		return nil, fmt.Errorf("reading metrics: %w", err)
	}
	defer f.Close()
	var recs []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if json.Unmarshal(sc.Bytes(), &rec) == nil {
			recs = append(recs, rec)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", d.File("metrics.jsonl"), err)
	}
	return recs, nil
}

// Series returns, for each metrics record that holds key as a number, the
// record's step and that number, as two parallel slices (x, y) ready to plot.
func Series(recs []map[string]any, key string) (x, y []float64) {
	for _, rec := range recs {
		if v, ok := rec[key].(float64); ok {
			step, _ := rec["step"].(float64)
			x, y = append(x, step), append(y, v)
		}
	}
	return x, y
}
