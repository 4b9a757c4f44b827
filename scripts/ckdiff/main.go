// Command ckdiff compares the checkpoints of two run directories tensor by
// tensor: for each float32 tensor the relative difference max|a − b| / max|a|,
// the measure the engine's parity checks use (plan against tape). It prints
// one line per tensor, worst first, and the worst value last.
//
//	go run ./scripts/ckdiff RUN_A RUN_B [LIMIT]
//
// With LIMIT, the exit status is 1 when a tensor differs by more than it.
package main

import (
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
	if len(rows) > 0 {
		fmt.Printf("worst: %s %.3g\n", rows[0].name, rows[0].rel)
		if rows[0].rel > limit {
			os.Exit(1)
		}
	}
}
