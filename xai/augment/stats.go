package augment

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Verdicts of the paired comparison with the baseline.
const (
	VerdictBaseline    = "baseline"
	VerdictHelps       = "helps"
	VerdictDoesNotHelp = "does not help"
	VerdictNoise       = "within noise"
)

// meanSD returns the mean and the sample standard deviation (n−1) of x.
func meanSD(x []float64) (float64, float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN()
	}
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	if len(x) < 2 {
		return m, 0
	}
	s := 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return m, math.Sqrt(s / float64(len(x)-1))
}

// PairedT returns the mean and standard deviation of the differences a−b,
// the paired t statistic and its two-sided p-value (Student, 1908) with
// len(a)−1 degrees of freedom. When every difference is equal the statistic
// is ±Inf (p = 0) unless the differences are all zero (t = 0, p = 1).
func PairedT(a, b []float64) (mean, sd, t, p float64) {
	n := len(a)
	d := make([]float64, n)
	for i := range d {
		d[i] = a[i] - b[i]
	}
	mean, sd = meanSD(d)
	if n < 2 {
		return mean, sd, 0, 1
	}
	if sd == 0 {
		if mean == 0 {
			return 0, 0, 0, 1
		}
		return mean, 0, math.Copysign(math.Inf(1), mean), 0
	}
	t = mean / (sd / math.Sqrt(float64(n)))
	dist := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}
	p = 2 * dist.Survival(math.Abs(t))
	return mean, sd, t, p
}

// verdict turns a paired comparison into words: significant at level alpha
// and positive is "helps", significant and negative "does not help",
// anything else "within noise".
func verdict(mean, p, alpha float64) string {
	switch {
	case p < alpha && mean > 0:
		return VerdictHelps
	case p < alpha && mean < 0:
		return VerdictDoesNotHelp
	default:
		return VerdictNoise
	}
}

// aggregate groups trials by (n, ratio), in the order of ns and ratios, and
// compares each ratio with the baseline ratio 0 of the same n, pairing the
// repetitions.
func aggregate(trials []Trial, ns []int, ratios []float64, reps int, alpha float64) []Cell {
	acc := map[[2]float64][]float64{}
	syn := map[[2]float64]int{}
	for _, t := range trials {
		key := [2]float64{float64(t.N), t.Ratio}
		a := acc[key]
		if a == nil {
			a = make([]float64, reps)
			for i := range a {
				a[i] = math.NaN()
			}
			acc[key] = a
		}
		a[t.Rep] = t.Accuracy
		syn[key] = t.Synthetic
	}
	var cells []Cell
	for _, n := range ns {
		base := acc[[2]float64{float64(n), 0}]
		for _, r := range ratios {
			key := [2]float64{float64(n), r}
			a, ok := acc[key]
			if !ok {
				continue
			}
			c := Cell{N: n, Ratio: r, Synthetic: syn[key], Accs: a}
			c.Mean, c.SD = meanSD(a)
			if r == 0 {
				c.Verdict = VerdictBaseline
			} else if base != nil {
				c.Delta, c.DeltaSD, c.T, c.P = PairedT(a, base)
				c.Verdict = verdict(c.Delta, c.P, alpha)
			}
			cells = append(cells, c)
		}
	}
	return cells
}
