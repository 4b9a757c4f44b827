package denoise

import (
	"context"
	"math"
	"slices"
	"testing"

	"genxai/nets"
)

// corrupted corrupts n flat images of 64 pixels of value v with c.
func corrupted(t *testing.T, c string, v float32, n int, seed int64, executor string) []float32 {
	t.Helper()
	cor, err := nets.ParseCorruption(c)
	if err != nil {
		t.Fatal(err)
	}
	imgs := make([][]float32, n)
	for i := range imgs {
		imgs[i] = filled(64, v)
	}
	out, err := Corrupt(context.Background(), imgs, cor, seed, executor)
	if err != nil {
		t.Fatalf("%s with %s: %v", c, executor, err)
	}
	if len(out) != n {
		t.Fatalf("%s: %d images back, want %d", c, len(out), n)
	}
	return slices.Concat(out...)
}

// fractions returns the share of xs within 1e-6 of each of values, and
// fails when some element is near none of them.
func fractions(t *testing.T, what string, xs []float32, values ...float32) []float64 {
	t.Helper()
	out := make([]float64, len(values))
	for i, x := range xs {
		k := slices.IndexFunc(values, func(v float32) bool { return math.Abs(float64(x-v)) < 1e-6 })
		if k < 0 {
			t.Fatalf("%s: element %d is %v, want one of %v", what, i, x, values)
		}
		out[k] += 1 / float64(len(xs))
	}
	return out
}

func TestCorruptKinds(t *testing.T) {
	const n = 300 // two batches of the graph, the second short
	for _, ex := range []string{"tape", "plan"} {
		g := corrupted(t, "gaussian:0.1", 0.5, n, 1, ex)
		var s, ss float64
		for _, x := range g {
			if x < 0 || x > 1 {
				t.Fatalf("%s gaussian: %v is outside [0, 1]", ex, x)
			}
			s += float64(x) - 0.5
			ss += (float64(x) - 0.5) * (float64(x) - 0.5)
		}
		mean, sd := s/float64(len(g)), math.Sqrt(ss/float64(len(g)))
		if math.Abs(mean) > 0.002 || math.Abs(sd-0.1) > 0.002 {
			t.Errorf("%s gaussian:0.1 on 0.5: noise mean %.4f, sd %.4f; want 0 and 0.1", ex, mean, sd)
		}
		if clipped := corrupted(t, "gaussian:1", 0.5, n, 1, ex); slices.Min(clipped) != 0 || slices.Max(clipped) != 1 {
			t.Errorf("%s gaussian:1: range [%v, %v], want clipped to exactly [0, 1]", ex, slices.Min(clipped), slices.Max(clipped))
		}
		m := fractions(t, ex+" mask:0.25", corrupted(t, "mask:0.25", 0.6, n, 1, ex), 0, 0.6)
		if math.Abs(m[0]-0.25) > 0.01 {
			t.Errorf("%s mask:0.25: %.4f of the pixels masked, want 0.25", ex, m[0])
		}
		sp := fractions(t, ex+" saltpepper:0.2", corrupted(t, "saltpepper:0.2", 0.5, n, 1, ex), 0, 0.5, 1)
		if math.Abs(sp[0]-0.1) > 0.01 || math.Abs(sp[2]-0.1) > 0.01 {
			t.Errorf("%s saltpepper:0.2: pepper %.4f, salt %.4f of the pixels; want 0.1 each", ex, sp[0], sp[2])
		}
	}
}

func TestCorruptIsReproducible(t *testing.T) {
	for _, c := range []string{"gaussian:0.3", "saltpepper:0.1", "mask:0.5"} {
		tape, plan := corrupted(t, c, 0.4, 260, 7, "tape"), corrupted(t, c, 0.4, 260, 7, "plan")
		if !slices.Equal(tape, plan) {
			t.Errorf("%s: the tape and the plan corrupt differently", c)
		}
		if again := corrupted(t, c, 0.4, 260, 7, "tape"); !slices.Equal(tape, again) {
			t.Errorf("%s: the same seed corrupts differently", c)
		}
		if other := corrupted(t, c, 0.4, 260, 8, "tape"); slices.Equal(tape, other) {
			t.Errorf("%s: seeds 7 and 8 corrupt alike", c)
		}
	}
}
