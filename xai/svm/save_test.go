package svm

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// A model written to model.json and read back predicts the same decision
// values.
func TestSaveLoadRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	n, d := 60, 3
	x := make([]float64, n*d)
	y := make([]int, n)
	for i := range y {
		y[i] = i % 3
		for j := 0; j < d; j++ {
			x[i*d+j] = rng.NormFloat64() + float64(y[i]*j)
		}
	}
	p := DefaultParams()
	p.Standardize, p.Probability = true, true
	m, err := Fit(x, n, d, y, p)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	b, err := json.Marshal(m.file(nil, []string{"a", "b", "c"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "model.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	want, got := m.DecisionFunction(x, n), s.DecisionFunction(x, n)
	for i := range want {
		if !slices.Equal(want[i], got[i]) {
			t.Fatalf("row %d: decision %v, reloaded %v", i, want[i], got[i])
		}
	}
	if !slices.Equal(s.ClassNames, []string{"a", "b", "c"}) {
		t.Errorf("class names %q", s.ClassNames)
	}
}
