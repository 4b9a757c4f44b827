package nets

import (
	"math"
	"testing"
)

func TestArgmax(t *testing.T) {
	for _, c := range []struct {
		v    []float64
		want int
	}{
		{nil, -1},
		{[]float64{}, -1},
		{[]float64{3}, 0},
		{[]float64{1, 5, 2}, 1},
		{[]float64{-3, -1, -2}, 1},
		{[]float64{2, 7, 7, 1}, 1}, // ties go to the first
		{[]float64{1, 2, 9}, 2},
		{[]float64{math.Inf(-1), math.Inf(-1)}, 0},
		{[]float64{1, math.NaN(), 3}, 2},
	} {
		if got := Argmax(c.v); got != c.want {
			t.Errorf("Argmax(%v) = %d, want %d", c.v, got, c.want)
		}
	}
	if got := Argmax([]float32{0.1, 0.7, 0.2}); got != 1 {
		t.Errorf("Argmax(float32) = %d, want 1", got)
	}
}
