package tabular

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// Metric scores a model's outputs against labels; higher is better.
type Metric func(scores, y []float64) float64

// Accuracy is the metric of a binary classifier whose output is class 1
// above threshold.
func Accuracy(threshold float64) Metric {
	return func(s, y []float64) float64 {
		c := 0
		for i, v := range s {
			if (v > threshold) == (y[i] == 1) {
				c++
			}
		}
		return float64(c) / float64(len(s))
	}
}

// NegMSE is the metric of a regression: minus the mean squared error.
func NegMSE(s, y []float64) float64 {
	e := 0.0
	for i, v := range s {
		e += (v - y[i]) * (v - y[i])
	}
	return -e / float64(len(s))
}

// scoreAll evaluates f on the n rows of x.
func scoreAll(f Func, x []float64, n, p int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = f(x[i*p : (i+1)*p])
	}
	return out
}

// Importance is the permutation importance of one feature: the mean and
// standard deviation over the repeats of the drop in the metric when the
// feature's column is shuffled.
type Importance struct {
	Feature    string
	Mean, SD   float64
	Repeats    []float64
	BaseMetric float64
}

// PermutationImportance measures, on held-out rows x (n rows, p columns) with
// labels y, how much metric drops when one column at a time is shuffled
// (Breiman 2001; Fisher, Rudin and Dominici 2019), repeats times per
// feature, shuffles drawn from rng. The result is sorted by mean drop,
// largest first.
func PermutationImportance(f Func, x, y []float64, n int, features []string, metric Metric, repeats int, rng *rand.Rand) []Importance {
	p := len(features)
	base := metric(scoreAll(f, x, n, p), y)
	out := make([]Importance, p)
	xs := slices.Clone(x)
	for j := 0; j < p; j++ {
		imp := Importance{Feature: features[j], BaseMetric: base}
		for r := 0; r < repeats; r++ {
			perm := rng.Perm(n)
			for i := 0; i < n; i++ {
				xs[i*p+j] = x[perm[i]*p+j]
			}
			imp.Repeats = append(imp.Repeats, base-metric(scoreAll(f, xs, n, p), y))
		}
		for i := 0; i < n; i++ {
			xs[i*p+j] = x[i*p+j]
		}
		for _, d := range imp.Repeats {
			imp.Mean += d / float64(repeats)
		}
		for _, d := range imp.Repeats {
			imp.SD += (d - imp.Mean) * (d - imp.Mean)
		}
		if repeats > 1 {
			imp.SD = math.Sqrt(imp.SD / float64(repeats-1))
		}
		out[j] = imp
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Mean > out[b].Mean })
	return out
}

// Dependence holds the partial dependence of the output on one feature
// (Friedman 2001) and the individual conditional expectation curves of
// some rows (Goldstein et al. 2015): ICE[i][g] is f of row i with the
// feature set to Grid[g], PD[g] the mean of ICE[·][g] over all rows.
type Dependence struct {
	Feature string
	Grid    []float64
	PD      []float64
	ICE     [][]float64
}

// PartialDependence computes the dependence of f on feature j over the n
// rows of x: the grid is the feature's distinct values when it is
// categorical or has at most points of them, else points quantiles; ICE
// curves are kept for the first ice rows.
func PartialDependence(f Func, x []float64, n, p, j int, categorical bool, points, ice int) Dependence {
	vals := make([]float64, 0, n)
	for i := 0; i < n; i++ {
		if v := x[i*p+j]; !math.IsNaN(v) {
			vals = append(vals, v)
		}
	}
	sort.Float64s(vals)
	distinct := slices.Compact(slices.Clone(vals))
	grid := distinct
	if !categorical && len(distinct) > points {
		grid = make([]float64, points)
		for g := range grid {
			grid[g] = vals[int(math.Round(float64(g)/float64(points-1)*float64(len(vals)-1)))]
		}
		grid = slices.Compact(grid)
	}
	d := Dependence{Grid: grid, PD: make([]float64, len(grid))}
	row := make([]float64, p)
	for i := 0; i < n; i++ {
		copy(row, x[i*p:(i+1)*p])
		var curve []float64
		for g, v := range grid {
			row[j] = v
			s := f(row)
			d.PD[g] += s / float64(n)
			if i < ice {
				curve = append(curve, s)
			}
		}
		if i < ice {
			d.ICE = append(d.ICE, curve)
		}
	}
	return d
}
