// Command ebmgen writes a seeded synthetic binary-classification table for
// the EBM benchmark (scripts/bench/ebm_large.sh): ROWS rows of FEATURES
// standard-normal features x0…x{p−1} (x3 rounded to a 10-level ordinal, x5
// made log-normal) and a label drawn from a logistic model with non-linear
// main effects and three pairwise interactions:
//
//	logit = 0.8·x0 − 0.6·x1² + 0.5 + 1.2·sin(x2) + 0.3·x3 + 0.7·[x4 > 0.5]
//	        − 0.2·log x5 + 0.6·x0·x1 − 0.5·x2·x6 + 0.8·[x7 > 0 ∧ x8 > 0]
//
// (the remaining features are noise). With -missing F each feature cell is
// left empty with probability F.
//
//	go run ./scripts/bench/ebmgen -rows 20000 -features 30 -seed 1 > t.csv
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
)

func main() {
	rows := flag.Int("rows", 20000, "rows to write")
	p := flag.Int("features", 30, "feature columns (at least 9)")
	seed := flag.Uint64("seed", 1, "random seed")
	missing := flag.Float64("missing", 0, "probability that a feature cell is left empty")
	flag.Parse()
	if *p < 9 || *rows < 1 {
		fmt.Fprintln(os.Stderr, "ebmgen: need -features ≥ 9 and -rows ≥ 1")
		os.Exit(2)
	}
	r := rand.New(rand.NewPCG(*seed, 0x5eed))
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for j := 0; j < *p; j++ {
		fmt.Fprintf(w, "x%d,", j)
	}
	fmt.Fprintln(w, "y")
	x := make([]float64, *p)
	b := func(c bool) float64 {
		if c {
			return 1
		}
		return 0
	}
	for i := 0; i < *rows; i++ {
		for j := range x {
			x[j] = r.NormFloat64()
		}
		x[3] = math.Round(x[3] * 3)
		x[5] = math.Exp(x[5])
		z := 0.8*x[0] - 0.6*x[1]*x[1] + 0.5 + 1.2*math.Sin(x[2]) + 0.3*x[3] + 0.7*b(x[4] > 0.5) -
			0.2*math.Log(x[5]) + 0.6*x[0]*x[1] - 0.5*x[2]*x[6] + 0.8*b(x[7] > 0 && x[8] > 0)
		y := b(r.Float64() < 1/(1+math.Exp(-z)))
		for _, v := range x {
			if *missing > 0 && r.Float64() < *missing {
				w.WriteString(",")
				continue
			}
			w.WriteString(strconv.FormatFloat(v, 'g', 6, 64))
			w.WriteString(",")
		}
		fmt.Fprintf(w, "%g\n", y)
	}
}
