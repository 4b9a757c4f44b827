package gmm

import (
	"math"
	"testing"
)

// Frequency weights fit the table with every row repeated that many times.
func TestWeightedEMEqualsRepeatedRows(t *testing.T) {
	x := []float64{0, 0.1, 0.3, -0.2, 5, 5.2, 4.7, 5.1, 0.2, 0.4, 5.3, 4.9}
	w := []float64{3, 1, 2, 4, 2, 1}
	var xe []float64
	for i, wi := range w {
		for r := 0; r < int(wi); r++ {
			xe = append(xe, x[2*i:2*i+2]...)
		}
	}
	p := Params{Components: 2, Covariance: Diag, MaxIter: 200, Tol: -1, Seed: 3}
	pw := p
	pw.Weights = w
	mw, err := Fit(x, 6, 2, pw)
	if err != nil {
		t.Fatal(err)
	}
	me, err := Fit(xe, len(xe)/2, 2, p)
	if err != nil {
		t.Fatal(err)
	}
	// Components may come out in either order; match them by their means.
	order := []int{0, 1}
	if math.Abs(mw.Means[0]-me.Means[0]) > 1 {
		order = []int{1, 0}
	}
	for k, ke := range order {
		if math.Abs(mw.Weights[k]-me.Weights[ke]) > 1e-9 {
			t.Errorf("component %d weight %v, repeated %v", k, mw.Weights[k], me.Weights[ke])
		}
		for j := 0; j < 2; j++ {
			if math.Abs(mw.Means[k*2+j]-me.Means[ke*2+j]) > 1e-9 {
				t.Errorf("component %d mean %v, repeated %v", k, mw.Mean(k), me.Mean(ke))
			}
		}
	}
	if math.Abs(mw.LowerBound-me.LowerBound) > 1e-9 {
		t.Errorf("lower bound %v, repeated %v", mw.LowerBound, me.LowerBound)
	}
}
