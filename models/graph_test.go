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

// After a training step the batch-norm running statistics have folded in
// (momentum 0.1, from mean 0 and variance 1) the per-feature mean and unbiased
// variance of the layer's input, on both executors. Reading the batch
// statistics without keeping them returns the numbers of whatever node later
// reused their memory; this test catches that.
func TestRunningStatsTrackBatchStatistics(t *testing.T) {
	for _, kind := range []string{"tape", "plan"} {
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
		ws, err := train.NewWorkspace(kind, "cpu", store)
		if err != nil {
			t.Fatal(err)
		}
		s, err := train.Prepare(n, loss, nil, kind, train.OptimConfig{Kind: "sgd"}, ws, 0)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewSource(2))
		in := n.InputData("x")
		for i := range in {
			in[i] = float32(rng.NormFloat64()*2 + 1)
		}
		if _, _, err := s.Run(train.StepInput{}, 0, 0); err != nil {
			t.Fatal(err)
		}
		if err := ws.Sync(); err != nil {
			t.Fatal(err)
		}
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
			wantM, wantV := 0.1*mean, 0.9+0.1*ss/15
			if math.Abs(float64(rm[j])-wantM) > 1e-5 || math.Abs(float64(rv[j])-wantV) > 1e-4*(1+wantV) {
				t.Errorf("%s, feature %d: running mean %v var %v, want %v and %v", kind, j, rm[j], rv[j], wantM, wantV)
			}
		}
		s.Trainer.Close()
		ws.Close()
	}
}
