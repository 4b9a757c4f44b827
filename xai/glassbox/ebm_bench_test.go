package glassbox

import (
	"math"
	"math/rand/v2"
	"testing"
)

// logisticTable draws n rows of p standard-normal features and a 0/1 label
// from a logistic model with non-linear main effects and one interaction.
func logisticTable(n, p int, seed uint64) (x, y []float64, names []string) {
	r := rand.New(rand.NewPCG(seed, 7))
	x = make([]float64, n*p)
	y = make([]float64, n)
	for i := 0; i < n; i++ {
		row := x[i*p : (i+1)*p]
		for j := range row {
			row[j] = r.NormFloat64()
		}
		z := 0.8*row[0] - 0.6*row[1]*row[1] + 1.2*math.Sin(row[min(2, p-1)]) + 0.6*row[0]*row[min(3, p-1)]
		if r.Float64() < 1/(1+math.Exp(-z)) {
			y[i] = 1
		}
	}
	for j := 0; j < p; j++ {
		names = append(names, "x"+string(rune('a'+j%26))+string(rune('0'+j/26)))
	}
	return x, y, names
}

// BenchmarkEBM fits the default EBM to 2,000 rows × 30 features
// (scripts/bench/ebm_large.sh times the command on 20,000 and 200,000 rows).
func BenchmarkEBM(b *testing.B) {
	x, y, names := logisticTable(2000, 30, 1)
	for b.Loop() {
		if _, err := FitEBM(x, y, names, nil, EBMOptions{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
