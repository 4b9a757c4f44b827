package cpu

import (
	"math"
	"math/rand"
	"testing"

	"genxai/engine"
)

// TestLayerNormParamGradChunkOrder holds LayerNormGrad's dγ and dβ, which
// walk the rows in memory order, to the column-by-column sums in the
// engine.ChunkSum order bit for bit, over more rows than one chunk and with
// the columns split across workers.
func TestLayerNormParamGradChunkOrder(t *testing.T) {
	const rows, cols = 2*engine.ReduceChunk + 37, 11
	rng := rand.New(rand.NewSource(3))
	vals := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return v
	}
	dy, x, gamma, mean, rstd := vals(rows*cols), vals(rows*cols), vals(cols), vals(rows), vals(rows)
	dg0, db0 := vals(cols), vals(cols)
	for _, workers := range []int{1, 3} {
		b := New(Options{Workers: workers, MinParallel: 1})
		up := func(v []float32) engine.Buffer {
			buf := b.Alloc(len(v))
			b.Upload(buf, v)
			return buf
		}
		dg, db := up(dg0), up(db0)
		b.LayerNormGrad(up(dy), up(x), up(gamma), up(mean), up(rstd), rows, cols, b.Alloc(rows*cols), dg, db)
		for c := 0; c < cols; c++ {
			var sg, sb engine.ChunkSum
			for r := 0; r < rows; r++ {
				g := dy[r*cols+c]
				sg.Add(g * ((x[r*cols+c] - mean[r]) * rstd[r]))
				sb.Add(g)
			}
			if want := dg0[c] + sg.Sum(); math.Float32bits(Data(dg)[c]) != math.Float32bits(want) {
				t.Errorf("%d workers: dγ[%d] = %v, the ChunkSum order gives %v", workers, c, Data(dg)[c], want)
			}
			if want := db0[c] + sb.Sum(); math.Float32bits(Data(db)[c]) != math.Float32bits(want) {
				t.Errorf("%d workers: dβ[%d] = %v, the ChunkSum order gives %v", workers, c, Data(db)[c], want)
			}
		}
	}
}
