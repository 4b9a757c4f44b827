package compare

import (
	"math/rand"
	"testing"
)

// TestCVAEScoresTheObviousClass trains the class-conditional VAE on two
// well separated Gaussian clouds (class 0 around (−3, −3, 0), class 1 around
// (3, 3, 0), unit spread) and checks that the bound of each test row is
// higher under its own class, by a wide margin on average, so that Bayes'
// rule labels (almost) every row right.
func TestCVAEScoresTheObviousClass(t *testing.T) {
	const d = 3
	cloud := func(n int, seed int64) ([]float64, []int) {
		rng := rand.New(rand.NewSource(seed))
		X, y := make([]float64, 0, n*d), make([]int, n)
		for i := range y {
			y[i] = i % 2
			shift := 6*float64(y[i]) - 3
			X = append(X, rng.NormFloat64()+shift, rng.NormFloat64()+shift, rng.NormFloat64())
		}
		return X, y
	}
	X, y := cloud(60, 1)
	testX, testY := cloud(40, 2)
	o := CVAEOptions{Hidden: []int{16}, Latent: 2, Steps: 400, Batch: 30, LR: 3e-3, Samples: 5, MinSigma: 0.05}
	m, err := FitCVAE(X, len(y), d, y, 2, o, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	b, err := m.Bounds(testX, len(testY))
	if err != nil {
		t.Fatal(err)
	}
	var margin float64
	for i, c := range testY {
		margin += b[2*i+c] - b[2*i+1-c]
	}
	if margin /= float64(len(testY)); margin < 5 {
		t.Errorf("mean log-likelihood margin of the true class %.2f nats, want ≥ 5 (the clouds are 6σ apart in two features)", margin)
	}
	pred, err := m.Predict(testX, len(testY))
	if err != nil {
		t.Fatal(err)
	}
	if acc := accuracy(pred, testY); acc < 0.95 {
		t.Errorf("accuracy %.3f on separated clouds, want ≥ 0.95", acc)
	}
	if _, err := FitCVAE(X, len(y), d, make([]int, len(y)), 2, o, 3); err == nil {
		t.Error("a class without rows was accepted")
	}
}
