package engine

import (
	"math"
	"math/bits"
)

// Philox 4x32 constants (Salmon, Moraes, Dror and Shaw, "Parallel Random
// Numbers: As Easy as 1, 2, 3", SC 2011), as in Random123, cuRAND and PyTorch.
const (
	philoxM0 = 0xD2511F53 // round multipliers
	philoxM1 = 0xCD9E8D57
	philoxW0 = 0x9E3779B9 // key schedule (golden ratio, √3 − 1)
	philoxW1 = 0xBB67AE85
)

// Philox4x32 returns the Philox 4x32-10 block for counter ctr under key:
// ten rounds of two 32×32→64 multiplications whose high halves are mixed
// with the other words and the round key, the key bumped by (W0, W1)
// between rounds.
func Philox4x32(ctr [4]uint32, key [2]uint32) [4]uint32 {
	for r := 0; r < 10; r++ {
		if r > 0 {
			key[0] += philoxW0
			key[1] += philoxW1
		}
		hi0, lo0 := bits.Mul32(philoxM0, ctr[0])
		hi1, lo1 := bits.Mul32(philoxM1, ctr[2])
		ctr = [4]uint32{hi1 ^ ctr[1] ^ key[0], lo1, hi0 ^ ctr[3] ^ key[1], lo0}
	}
	return ctr
}

// RandomKind says what Backend.Random fills a buffer with.
type RandomKind uint8

// The random fills.
const (
	Uniform RandomKind = iota // uniform on [a, b)
	Normal                    // normal, mean a, standard deviation b
	Dropout                   // 0 with probability a, 1/(1−a) otherwise
)

// RandomKey names one random tensor of a run: the run's seed, the training
// step and the tensor's number within the step. The values of a fill depend
// on nothing else (not on the backend, the number of workers or the order of
// fills), which keeps a resumed run bitwise equal to an uninterrupted one.
type RandomKey struct {
	Seed   uint64
	Step   uint64
	Tensor uint32
}

// Block returns the Philox block that elements 4j … 4j+3 of the tensor are
// made from: the key is the seed, the counter (j, tensor, step low, step high).
func (k RandomKey) Block(j int) [4]uint32 {
	return Philox4x32([4]uint32{uint32(j), k.Tensor, uint32(k.Step), uint32(k.Step >> 32)},
		[2]uint32{uint32(k.Seed), uint32(k.Seed >> 32)})
}

// RandomValue returns element i of a fill given the Philox block of i/4 (see
// RandomKey.Block). Uniform values take the top 24 bits of word i%4 (u =
// w>>8 · 2⁻²⁴, exact in float32) and return a + (b−a)·u; normal values use
// the Box–Muller transform on the word pairs (0, 1) and (2, 3), in float64,
// rounded once to float32 so that a device with a correctly rounded double
// library gives the same bits; a dropout element is dropped when w·2⁻³² < a.
func RandomValue(kind RandomKind, block [4]uint32, i int, a, b float64) float32 {
	w := block[i%4]
	switch kind {
	case Normal:
		p := i % 4 &^ 1
		u1 := (float64(block[p]) + 1) * 0x1p-32 // (0, 1]: the logarithm stays finite
		u2 := float64(block[p+1]) * 0x1p-32
		r := math.Sqrt(-2 * math.Log(u1))
		z := r * math.Cos(2*math.Pi*u2)
		if i%2 == 1 {
			z = r * math.Sin(2*math.Pi*u2)
		}
		return float32(a + b*z)
	case Dropout:
		if float64(w)*0x1p-32 < a {
			return 0
		}
		return float32(1 / (1 - a))
	}
	u := float32(w>>8) * 0x1p-24
	return float32(a) + float32(b-a)*u
}
