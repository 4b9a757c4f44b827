package models

import (
	"math"
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"

	"genxai/engine"
	"genxai/nets"
	"genxai/train"
)

// After a training step the batch-norm running statistics equal (with
// momentum 1) the per-feature mean and unbiased variance of the layer's input.
// Reading the batch statistics without keeping them returns the numbers of
// whatever node later reused their memory; this test catches that.
func TestRunningStatsTrackBatchStatistics(t *testing.T) {
	store := nets.NewStore(1)
	n := nets.NewNet(store, true)
	x := n.Input("x", 16, 5)
	h := n.Dense("fc1", x, 4)
	n.Keep(h)
	y := n.Activate("relu", n.BatchNorm("bn", h))
	out := n.Dense("fc2", y, 3)
	loss := n.Op(G.Sum(n.Op(G.Square(out))))
	if err := n.Err(); err != nil {
		t.Fatal(err)
	}
	params := train.ParamsOf(n)
	if err := train.Differentiate(loss, params); err != nil {
		t.Fatal(err)
	}
	ex, err := train.NewExecutor("tape", n, n.Params())
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(2))
	in := n.InputData("x")
	for i := range in {
		in[i] = float32(rng.NormFloat64()*2 + 1)
	}
	if err := ex.Run(); err != nil {
		t.Fatal(err)
	}
	train.UpdateRunningStats(n, 1)
	hv := engine.Float32s(h)
	rm, rv := store.Data("bn.running_mean"), store.Data("bn.running_var")
	for j := 0; j < 4; j++ {
		var mean, ss float64
		for i := 0; i < 16; i++ {
			mean += float64(hv[i*4+j])
		}
		mean /= 16
		for i := 0; i < 16; i++ {
			d := float64(hv[i*4+j]) - mean
			ss += d * d
		}
		if math.Abs(float64(rm[j])-mean) > 1e-4 || math.Abs(float64(rv[j])-ss/15) > 1e-3*(1+ss/15) {
			t.Errorf("feature %d: running mean %v var %v, want %v and %v", j, rm[j], rv[j], mean, ss/15)
		}
	}
}
