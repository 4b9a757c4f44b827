// Command ckdiff compares the checkpoints of two run directories tensor by
// tensor: for each float32 tensor the relative difference max|a − b| / max|a|,
// the measure the engine's parity checks use (plan against tape). It prints
// one line per tensor, worst first, and the worst value last. When both runs
// have a metrics.jsonl, it also prints the worst relative difference of the
// logged training losses, step by step (the loss curves' parity):
// "curve: N records, worst V at step S".
//
//	go run ./scripts/ckdiff RUN_A RUN_B [LIMIT]
//
// With LIMIT, the exit status is 1 when a tensor differs by more than it.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"

	"genxai/runs/checkpoint"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: ckdiff RUN_A RUN_B [LIMIT]")
		os.Exit(2)
	}
	limit := math.Inf(1)
	if len(os.Args) > 3 {
		v, err := strconv.ParseFloat(os.Args[3], 64)
		if err != nil {
			fmt.Fprintf(os.Stderr, "ckdiff: LIMIT %q is not a number\n", os.Args[3])
			os.Exit(2)
		}
		limit = v
	}
	a, _, err := checkpoint.Load(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "ckdiff:", err)
		os.Exit(2)
	}
	b, _, err := checkpoint.Load(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "ckdiff:", err)
		os.Exit(2)
	}
	other := map[string][]float32{}
	for _, t := range b {
		other[t.Name] = t.F32
	}
	type row struct {
		name string
		rel  float64
	}
	var rows []row
	for _, t := range a {
		u, ok := other[t.Name]
		if !ok || len(u) != len(t.F32) {
			fmt.Printf("%s: missing or of another size in %s\n", t.Name, os.Args[2])
			os.Exit(1)
		}
		var diff, scale float64
		for i, x := range t.F32 {
			diff = math.Max(diff, math.Abs(float64(x)-float64(u[i])))
			scale = math.Max(scale, math.Abs(float64(x)))
		}
		rel := diff
		if scale > 0 {
			rel = diff / scale
		}
		rows = append(rows, row{t.Name, rel})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].rel > rows[j].rel })
	for _, r := range rows {
		fmt.Printf("%-40s %.3g\n", r.name, r.rel)
	}
	if n, worst, at, ok := curves(os.Args[1], os.Args[2]); ok {
		fmt.Printf("curve: %d records, worst %.3g at step %d\n", n, worst, at)
	}
	if len(rows) > 0 {
		fmt.Printf("worst: %s %.3g\n", rows[0].name, rows[0].rel)
		if rows[0].rel > limit {
			os.Exit(1)
		}
	}
}

// losses reads the training loss of every step record of dir/metrics.jsonl.
func losses(dir string) (map[int64]float64, bool) {
	f, err := os.Open(dir + "/metrics.jsonl")
	if err != nil {
		return nil, false
	}
	defer f.Close()
	out := map[int64]float64{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var rec struct {
			Step *int64   `json:"step"`
			Loss *float64 `json:"loss"`
		}
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Step != nil && rec.Loss != nil {
			out[*rec.Step] = *rec.Loss
		}
	}
	return out, len(out) > 0
}

// curves compares the loss records of two runs: the number of steps both
// logged, the worst |a − b| / |a| and its step.
func curves(a, b string) (n int, worst float64, at int64, ok bool) {
	la, okA := losses(a)
	lb, okB := losses(b)
	if !okA || !okB {
		return 0, 0, 0, false
	}
	for step, x := range la {
		y, found := lb[step]
		if !found {
			continue
		}
		n++
		rel := math.Abs(x - y)
		if x != 0 {
			rel /= math.Abs(x)
		}
		if rel > worst {
			worst, at = rel, step
		}
	}
	return n, worst, at, n > 0
}
