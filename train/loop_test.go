package train

import (
	"math/rand"
	"testing"
)

// TestStepRandDrawsAsNewSource: the lazily seeded step source draws exactly
// what rand.NewSource with the same seed draws, through every method the
// tasks use, and after a Seed.
func TestStepRandDrawsAsNewSource(t *testing.T) {
	got := StepRand(7, 3)
	want := rand.New(rand.NewSource(7*1_000_003 + 3 + 1))
	for i := range 200 {
		if a, b := got.Intn(1000+i), want.Intn(1000+i); a != b {
			t.Fatalf("draw %d: Intn %d, want %d", i, a, b)
		}
		if a, b := got.NormFloat64(), want.NormFloat64(); a != b {
			t.Fatalf("draw %d: NormFloat64 %v, want %v", i, a, b)
		}
		if a, b := got.Uint64(), want.Uint64(); a != b {
			t.Fatalf("draw %d: Uint64 %v, want %v", i, a, b)
		}
	}
	got.Seed(11)
	want.Seed(11)
	if a, b := got.Int63(), want.Int63(); a != b {
		t.Errorf("after Seed: %d, want %d", a, b)
	}
}
