//go:build amd64

package cpu

import (
	"flag"
	"math"
	"testing"

	"github.com/chewxy/math32"
)

var everyFloat = flag.Bool("every-float", false, "check expSSE and tanhSSE on all 2³² float32 values (about a minute)")

// TestTranscendentalsMatchMath32 holds expBlock and tanhBlock to math32's
// Exp and Tanh bit for bit: on every float32 with -every-float, otherwise on
// every 997th bit pattern and the values around each branch of the two.
func TestTranscendentalsMatchMath32(t *testing.T) {
	var xs []float32
	step := uint64(997)
	if *everyFloat {
		step = 1
	}
	for b := uint64(0); b < 1<<32; b += step {
		xs = append(xs, math.Float32frombits(uint32(b)))
		if len(xs) == 1<<16 {
			checkTranscendentals(t, xs)
			xs = xs[:0]
		}
	}
	for _, v := range []float32{0, 0.625, 44.014846, 88.72, 88.73, -87.3, -103, -104, -150, 1e10, -1e10, 2147483520, -2147483520,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 1e-40, 0.5, 1, 2, 3} {
		for d := -3; d <= 3; d++ {
			b := int64(math.Float32bits(v)) + int64(d)
			xs = append(xs, math.Float32frombits(uint32(b)), -math.Float32frombits(uint32(b)))
		}
	}
	checkTranscendentals(t, xs)
}

func checkTranscendentals(t *testing.T, xs []float32) {
	t.Helper()
	got := make([]float32, len(xs))
	for _, f := range []struct {
		name  string
		block func(d, a []float32)
		ref   func(float32) float32
	}{{"exp", expBlock, math32.Exp}, {"tanh", tanhBlock, math32.Tanh}} {
		f.block(got, xs)
		for i, x := range xs {
			if want := f.ref(x); math.Float32bits(got[i]) != math.Float32bits(want) {
				t.Fatalf("%s(%v = %#x) = %v (%#x), math32 gives %v (%#x)", f.name, x, math.Float32bits(x), got[i], math.Float32bits(got[i]), want, math.Float32bits(want))
			}
		}
	}
}
