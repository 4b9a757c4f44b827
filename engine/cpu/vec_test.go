package cpu

import (
	"math"
	"math/rand"
	"testing"

	"genxai/engine"
)

// TestVecMatchesGo holds the arithmetic loops (SSE on amd64) to the Go loops
// bit for bit, on every length up to 40 (the 8-wide body and the tail), with
// infinities, NaN, zeros of both signs and subnormal values among the operands.
func TestVecMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), 1e-40, -3e-39, math.MaxFloat32, 1}
	draw := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			if rng.Intn(5) == 0 {
				v[i] = special[rng.Intn(len(special))]
			} else {
				v[i] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.Intn(20)-10)))
			}
		}
		return v
	}
	same := func(name string, n int, got, want []float32) {
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%s, n=%d: element %d is %v (%#x), the Go loop gives %v (%#x)", name, n, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
			}
		}
		if got[n] != -7 {
			t.Fatalf("%s, n=%d: wrote past the end", name, n)
		}
	}
	for n := 0; n <= 40; n++ {
		a, b := draw(n+1), draw(n+1)
		got, want := make([]float32, n+1), make([]float32, n+1)
		for k := range binOps {
			got[n], want[n] = -7, -7
			arithVV[k](got[:n], a, b)
			vvGo(k)(want[:n], a, b)
			same("VV "+(engine.OpAdd+engine.Op(k)).String(), n, got, want)
			s := draw(1)[0]
			got[n], want[n] = -7, -7
			arithVS[k](got[:n], a, s)
			vsGo(k)(want[:n], a, s)
			same("VS "+(engine.OpAdd+engine.Op(k)).String(), n, got, want)
			got[n], want[n] = -7, -7
			arithSV[k](got[:n], a, s)
			svGo(k)(want[:n], a, s)
			same("SV "+(engine.OpAdd+engine.Op(k)).String(), n, got, want)
		}
	}
}
