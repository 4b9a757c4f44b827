package enginetest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"genxai/engine"
)

// randomRef computes element i of a fill from the Philox block written out
// here (uniform from the top 24 bits, Box–Muller in float64, dropout on
// w·2⁻³² < p), independently of engine.RandomValue.
func randomRef(kind engine.RandomKind, k engine.RandomKey, i int, a, b float64) float32 {
	blk := engine.Philox4x32([4]uint32{uint32(i / 4), k.Tensor, uint32(k.Step), uint32(k.Step >> 32)}, [2]uint32{uint32(k.Seed), uint32(k.Seed >> 32)})
	switch kind {
	case engine.Normal:
		p := i % 4 / 2 * 2
		rad := math.Sqrt(-2 * math.Log((float64(blk[p])+1)/4294967296))
		ang := 2 * math.Pi * float64(blk[p+1]) / 4294967296
		if i%2 == 0 {
			return float32(a + b*rad*math.Cos(ang))
		}
		return float32(a + b*rad*math.Sin(ang))
	case engine.Dropout:
		if float64(blk[i%4])/4294967296 < a {
			return 0
		}
		return float32(1 / (1 - a))
	}
	return float32(a) + float32(b-a)*(float32(blk[i%4]>>8)/16777216)
}

// randomCase fills buffers of odd lengths and checks every value against
// the reference, the statistics of a long fill, that the first values do
// not depend on the length, and that seed, step and tensor each change the
// stream.
func randomCase(t *testing.T, be engine.Backend, rng *rand.Rand) (outs [][]float32) {
	key := engine.RandomKey{Seed: rng.Uint64(), Step: rng.Uint64(), Tensor: rng.Uint32()}
	fill := func(kind engine.RandomKind, k engine.RandomKey, a, b float64, n int) []float32 {
		buf := be.Alloc(n)
		be.Random(kind, k, a, b, buf)
		return down(t, be, buf)
	}
	params := map[engine.RandomKind][2]float64{engine.Uniform: {-1, 3}, engine.Normal: {0.5, 2}, engine.Dropout: {0.3, 0}}
	for kind := engine.Uniform; kind <= engine.Dropout; kind++ {
		a, b := params[kind][0], params[kind][1]
		for _, n := range append(sizes, 100003) {
			got := fill(kind, key, a, b, n)
			want := make([]float32, n)
			for i := range want {
				want[i] = randomRef(kind, key, i, a, b)
			}
			exact(t, fmt.Sprintf("random kind %d, %d values", kind, n), got, want)
			if n > 5 {
				exact(t, "the first 5 values of a longer fill", got[:5], fill(kind, key, a, b, 5))
			}
			outs = append(outs, got)
		}
		long := outs[len(outs)-1]
		var s, q float64
		for _, v := range long {
			s, q = s+float64(v), q+float64(v)*float64(v)
		}
		mean, sd := s/float64(len(long)), math.Sqrt(q/float64(len(long))-s*s/float64(len(long)*len(long)))
		moments := map[engine.RandomKind][2]float64{
			engine.Uniform: {(a + b) / 2, (b - a) / math.Sqrt(12)},
			engine.Normal:  {a, b},
			engine.Dropout: {1, math.Sqrt(a / (1 - a))},
		}
		wantMean, wantSD := moments[kind][0], moments[kind][1]
		// Six standard errors: a correct generator fails this about once in 10⁹ draws.
		if se := wantSD / math.Sqrt(float64(len(long))); math.Abs(mean-wantMean) > 6*se || math.Abs(sd-wantSD) > 6*wantSD/math.Sqrt(float64(len(long))) {
			t.Errorf("random kind %d: mean %.4f, sd %.4f over %d values, want %.4f, %.4f", kind, mean, sd, len(long), wantMean, wantSD)
		}
	}
	base := fill(engine.Uniform, key, 0, 1, 64)
	for _, k := range []engine.RandomKey{{Seed: key.Seed + 1, Step: key.Step, Tensor: key.Tensor}, {Seed: key.Seed, Step: key.Step + 1, Tensor: key.Tensor},
		{Seed: key.Seed, Step: key.Step, Tensor: key.Tensor + 1}, {Seed: key.Seed, Step: key.Step ^ 1<<40, Tensor: key.Tensor}} {
		if firstDiff(base, fill(engine.Uniform, k, 0, 1, 64)) < 0 {
			t.Errorf("keys %+v and %+v give the same stream", key, k)
		}
	}
	return outs
}
