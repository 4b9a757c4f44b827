package data

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// The order of examples is a pure function of the seed, computed with a
// generator written out here (not math/rand) so that it cannot change with
// the Go release: SplitMix64 (G. L. Steele, D. Lea, C. H. Flood, "Fast
// splittable pseudorandom number generators", OOPSLA 2014), bounded integers
// by Lemire's multiply-and-reject method (D. Lemire, "Fast random integer
// generation in an interval", ACM TOMACS 29(1), 2019), and the Fisher–Yates
// shuffle in Durstenfeld's in-place form (CACM 7(7), 1964).

// Domains keep the streams of different uses apart, so that the validation
// split of seed s is unrelated to the order of epoch 0 of seed s.
const (
	domainEpoch uint64 = 0x6570_6f63_6873_6875 // "epochshu"
	domainSplit uint64 = 0x7370_6c69_7476_616c // "splitval"
	golden      uint64 = 0x9e37_79b9_7f4a_7c15 // 2^64 / φ, SplitMix64's increment
)

// splitMix64 is the SplitMix64 generator: a Weyl sequence passed through a
// 64-bit finalizer (the "mix13" variant of MurmurHash3's fmix64).
type splitMix64 struct{ state uint64 }

func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58_476d_1ce4_e5b9
	z = (z ^ (z >> 27)) * 0x94d0_49bb_1331_11eb
	return z ^ (z >> 31)
}

// newStream returns the generator for (seed, domain, k): distinct triples give
// unrelated streams.
func newStream(seed int64, domain, k uint64) *splitMix64 {
	return &splitMix64{state: mix64(mix64(uint64(seed)^domain) + k*golden)}
}

func (s *splitMix64) next() uint64 {
	s.state += golden
	return mix64(s.state)
}

// below returns a uniform integer in [0, n), n > 0, without modulo bias
// (Lemire 2019).
func (s *splitMix64) below(n uint64) uint64 {
	hi, lo := bits.Mul64(s.next(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(s.next(), n)
		}
	}
	return hi
}

// shuffle permutes p uniformly at random (Fisher–Yates, Durstenfeld's form).
func (s *splitMix64) shuffle(p []int) {
	for i := len(p) - 1; i > 0; i-- {
		j := int(s.below(uint64(i + 1)))
		p[i], p[j] = p[j], p[i]
	}
}

func (s *splitMix64) permutation(n int) []int {
	p := make([]int, max(n, 0))
	for i := range p {
		p[i] = i
	}
	s.shuffle(p)
	return p
}

// Permutation returns the order in which epoch epoch visits n examples: a
// uniformly random permutation of 0..n-1 fully determined by (seed, epoch),
// different from epoch to epoch, and identical on every machine and Go
// release, so a run resumed at epoch e reproduces the order of an
// uninterrupted one. n <= 0 gives an empty slice.
func Permutation(n int, seed int64, epoch int) []int {
	return newStream(seed, domainEpoch, uint64(epoch)).permutation(n)
}

// Batches cuts order into consecutive mini-batches of size examples; the last
// batch holds the remainder and may be smaller (it is kept, not dropped). The
// batches are sub-slices of order, not copies. It panics if size < 1: callers
// validate batch sizes from configs before they get here.
func Batches(order []int, size int) [][]int {
	if size < 1 {
		panic(fmt.Sprintf("data.Batches: batch size %d, want at least 1", size))
	}
	out := make([][]int, 0, (len(order)+size-1)/size)
	for lo := 0; lo < len(order); lo += size {
		hi := min(lo+size, len(order))
		out = append(out, order[lo:hi:hi])
	}
	return out
}

// SplitIndices splits the indices 0..n-1 at random into a training and a
// validation part: val holds round(valFraction·n) indices, train the rest,
// each sorted ascending; together they cover 0..n-1 exactly once. The split
// is determined by (n, valFraction, seed) and independent of the epoch
// orders of Permutation. valFraction is clamped to [0,1] (NaN counts as 0).
func SplitIndices(n int, valFraction float64, seed int64) (train, val []int) {
	n = max(n, 0)
	nVal := 0
	if valFraction > 0 {
		nVal = int(math.Round(min(valFraction, 1) * float64(n)))
	}
	p := newStream(seed, domainSplit, 0).permutation(n)
	val = append([]int{}, p[:nVal]...)
	train = append([]int{}, p[nVal:]...)
	slices.Sort(val)
	slices.Sort(train)
	return train, val
}
