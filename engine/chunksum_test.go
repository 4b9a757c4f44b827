package engine

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestChunkSumSlices checks that AddSlice and AddSquares give the bits of
// Add value by value, over slices that cross block boundaries.
func TestChunkSumSlices(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, sizes := range [][]int{{1}, {5, 1019, 3, 2000}, {1024, 1024, 1}, {3000}, {0, 7, 0}} {
		var one, slice, sqOne, sqSlice ChunkSum
		const mu = 0.25
		for _, n := range sizes {
			vs := make([]float32, n)
			for i := range vs {
				vs[i] = float32(rng.NormFloat64()) * 1e3
			}
			for _, v := range vs {
				one.Add(v)
				sqOne.Add((v - mu) * (v - mu))
			}
			slice.AddSlice(vs)
			sqSlice.AddSquares(vs, mu)
		}
		if a, b := one.Sum(), slice.Sum(); math.Float32bits(a) != math.Float32bits(b) {
			t.Errorf("sizes %v: AddSlice sums to %v, Add to %v", sizes, b, a)
		}
		if a, b := sqOne.Sum(), sqSlice.Sum(); math.Float32bits(a) != math.Float32bits(b) {
			t.Errorf("sizes %v: AddSquares sums to %v, Add to %v", sizes, b, a)
		}
	}
}
