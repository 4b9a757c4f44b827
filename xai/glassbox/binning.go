package glassbox

import (
	"fmt"
	"math"
	"sort"
)

// Binning maps one feature's values to bins: bin 0 holds missing values
// (NaN), bins 1..len(Cuts)+1 hold the values between consecutive cut points,
// a value equal to a cut point falling into the lower bin.
type Binning struct {
	// Cuts are the increasing cut points.
	Cuts []float64
	// Min and Max are the smallest and largest training values; they close
	// the outer bins for plotting.
	Min, Max float64
	// Categorical is true when every distinct training value has its own bin
	// (categories coded as numbers, or few distinct values).
	Categorical bool
	// Values holds the distinct training values, one per bin, when
	// Categorical is true.
	Values []float64
	// Missing is the number of training rows whose value was missing (NaN),
	// the rows of bin 0.
	Missing int
	// Levels names the categories of a categorical feature read from text:
	// value v (a level index) is Levels[v]. Nil for numeric codes.
	Levels []string `json:",omitempty"`
}

// valueLabel names a categorical value: its level, or the number.
func (b *Binning) valueLabel(v float64) string {
	if k := int(v); v == float64(k) && k >= 0 && k < len(b.Levels) {
		return b.Levels[k]
	}
	return fmt.Sprintf("%g", v)
}

// NumBins is the number of bins including the missing bin 0.
func (b *Binning) NumBins() int { return len(b.Cuts) + 2 }

// Bin returns the bin of v.
func (b *Binning) Bin(v float64) int {
	if math.IsNaN(v) {
		return 0
	}
	return 1 + sort.SearchFloat64s(b.Cuts, v)
}

// Edges returns the lower and upper edge of bin k ≥ 1 for plotting; the outer
// bins end at the training minimum and maximum.
func (b *Binning) Edges(k int) (lo, hi float64) {
	if k <= 0 || k >= b.NumBins() {
		return math.NaN(), math.NaN()
	}
	lo, hi = b.Min, b.Max
	if k-2 >= 0 {
		lo = b.Cuts[k-2]
	}
	if k-1 < len(b.Cuts) {
		hi = b.Cuts[k-1]
	}
	return lo, hi
}

// BinLabel describes bin k in words ("missing", "≤ 3.5", "(3.5, 7]", "> 7",
// or the category value).
func (b *Binning) BinLabel(k int) string {
	switch {
	case k == 0:
		return "missing"
	case b.Categorical && k-1 < len(b.Values):
		return b.valueLabel(b.Values[k-1])
	case len(b.Cuts) == 0:
		return "all"
	case k == 1:
		return fmt.Sprintf("≤ %.4g", b.Cuts[0])
	case k == b.NumBins()-1:
		return fmt.Sprintf("> %.4g", b.Cuts[len(b.Cuts)-1])
	default:
		return fmt.Sprintf("(%.4g, %.4g]", b.Cuts[k-2], b.Cuts[k-1])
	}
}

// QuantileBinning builds at most maxBins value bins (plus the missing bin)
// with about equal numbers of training rows. Cut points lie halfway between
// neighbouring distinct values, so tied values always share a bin. When the
// feature has at most maxBins distinct values, or categorical is true, every
// distinct value gets its own bin.
func QuantileBinning(values []float64, maxBins int, categorical bool) Binning {
	v := make([]float64, 0, len(values))
	for _, x := range values {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	missing := len(values) - len(v)
	if len(v) == 0 {
		return Binning{Min: math.NaN(), Max: math.NaN(), Missing: missing}
	}
	sort.Float64s(v)
	var distinct []float64
	var counts []int
	for _, x := range v {
		if len(distinct) == 0 || x != distinct[len(distinct)-1] {
			distinct = append(distinct, x)
			counts = append(counts, 0)
		}
		counts[len(counts)-1]++
	}
	b := Binning{Min: v[0], Max: v[len(v)-1], Missing: missing}
	if categorical || len(distinct) <= maxBins {
		b.Categorical = categorical
		if categorical {
			b.Values = distinct
		}
		for i := 1; i < len(distinct); i++ {
			b.Cuts = append(b.Cuts, midpoint(distinct[i-1], distinct[i]))
		}
		return b
	}
	// Greedy equal-frequency cuts: close a bin once it holds its share of the
	// rows that remain, so a heavy tie does not starve the bins after it.
	remaining := len(v)
	binsLeft := maxBins
	acc := 0
	for i := 0; i < len(distinct)-1; i++ {
		acc += counts[i]
		target := float64(remaining) / float64(binsLeft)
		if float64(acc) >= target && binsLeft > 1 {
			b.Cuts = append(b.Cuts, midpoint(distinct[i], distinct[i+1]))
			remaining -= acc
			binsLeft--
			acc = 0
		}
	}
	return b
}

func midpoint(a, b float64) float64 {
	m := a + (b-a)/2
	if m <= a || m >= b { // adjacent floats
		return a
	}
	return m
}
