package data

import (
	"math"
	"slices"
	"testing"
)

func isPermutation(p []int, n int) bool {
	if len(p) != n {
		return false
	}
	seen := make([]bool, n)
	for _, v := range p {
		if v < 0 || v >= n || seen[v] {
			return false
		}
		seen[v] = true
	}
	return true
}

func TestPermutation(t *testing.T) {
	const n = 1000
	a := Permutation(n, 42, 3)
	if !isPermutation(a, n) {
		t.Fatal("not a permutation")
	}
	if !slices.Equal(a, Permutation(n, 42, 3)) {
		t.Fatal("same (seed, epoch) gave different orders")
	}
	if slices.Equal(a, Permutation(n, 42, 4)) || slices.Equal(a, Permutation(n, 43, 3)) {
		t.Fatal("different epoch or seed gave the same order")
	}
	fixed := 0
	for i, v := range a {
		if i == v {
			fixed++
		}
	}
	if fixed > 10 { // a random permutation has ~1 fixed point
		t.Fatalf("%d fixed points: not shuffled", fixed)
	}
	if len(Permutation(0, 1, 0)) != 0 || len(Permutation(-3, 1, 0)) != 0 {
		t.Fatal("n <= 0 should give an empty order")
	}
	// Pinned values: the order must not change with the Go release or a
	// refactoring, or resumed runs would diverge from their first half.
	if got := Permutation(10, 0, 0); !slices.Equal(got, pinnedPerm) {
		t.Fatalf("Permutation(10, 0, 0) = %v, pinned %v", got, pinnedPerm)
	}
}

// pinnedPerm is Permutation(10, 0, 0) as first computed by this package
// (a regression pin; TestSplitMix64Reference checks the generator itself).
var pinnedPerm = []int{2, 5, 7, 6, 9, 3, 0, 4, 8, 1}

// TestPermutationUniform checks that each element lands in each position
// about equally often: a chi-square test on the 4×4 table of counts.
func TestPermutationUniform(t *testing.T) {
	const n, trials = 4, 24000
	var counts [n][n]int
	for e := 0; e < trials; e++ {
		for pos, v := range Permutation(n, 7, e) {
			counts[v][pos]++
		}
	}
	exp := float64(trials) / n
	chi := 0.0
	for i := range counts {
		for j := range counts[i] {
			d := float64(counts[i][j]) - exp
			chi += d * d / exp
		}
	}
	// 9 degrees of freedom; P(chi² > 27.9) = 0.001.
	if chi > 27.9 {
		t.Fatalf("chi-square %.1f: positions are not uniform: %v", chi, counts)
	}
}

func TestBelowUnbiasedRange(t *testing.T) {
	s := newStream(1, domainEpoch, 0)
	for _, n := range []uint64{1, 2, 3, 7, 1 << 40, math.MaxUint64} {
		for k := 0; k < 100; k++ {
			if v := s.below(n); v >= n {
				t.Fatalf("below(%d) = %d", n, v)
			}
		}
	}
}

func TestBatches(t *testing.T) {
	order := []int{9, 8, 7, 6, 5, 4, 3}
	b := Batches(order, 3)
	if len(b) != 3 || !slices.Equal(b[0], []int{9, 8, 7}) || !slices.Equal(b[2], []int{3}) {
		t.Fatalf("got %v", b)
	}
	if got := Batches(order, 7); len(got) != 1 || len(got[0]) != 7 {
		t.Fatalf("one full batch: %v", got)
	}
	if got := Batches(order, 100); len(got) != 1 || len(got[0]) != 7 {
		t.Fatalf("oversized batch: %v", got)
	}
	if got := Batches(nil, 4); len(got) != 0 {
		t.Fatalf("empty order: %v", got)
	}
	b[0] = append(b[0], 100) // capacity is clipped: must not overwrite order
	if order[3] != 6 {
		t.Fatal("appending to a batch overwrote the next one")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("size 0 did not panic")
		}
	}()
	Batches(order, 0)
}

func TestSplitIndices(t *testing.T) {
	for _, c := range []struct {
		n    int
		frac float64
		nVal int
	}{{100, 0.2, 20}, {569, 0.15, 85}, {10, 0, 0}, {10, 1, 10}, {10, -1, 0}, {10, math.NaN(), 0}, {10, 2, 10}, {0, 0.5, 0}} {
		tr, va := SplitIndices(c.n, c.frac, 5)
		if len(va) != c.nVal || len(tr) != c.n-c.nVal {
			t.Fatalf("n %d frac %v: %d/%d", c.n, c.frac, len(tr), len(va))
		}
		all := append(append([]int{}, tr...), va...)
		slices.Sort(all)
		if !isPermutation(all, c.n) {
			t.Fatalf("n %d frac %v: train and val overlap or miss indices", c.n, c.frac)
		}
		if !slices.IsSorted(tr) || !slices.IsSorted(va) {
			t.Fatal("parts not sorted")
		}
	}
	_, v1 := SplitIndices(100, 0.2, 5)
	_, v2 := SplitIndices(100, 0.2, 5)
	_, v3 := SplitIndices(100, 0.2, 6)
	if !slices.Equal(v1, v2) || slices.Equal(v1, v3) {
		t.Fatal("split not determined by the seed")
	}
	if slices.Equal(v1, func() []int { p := Permutation(100, 5, 0)[:20]; slices.Sort(p); return p }()) {
		t.Fatal("validation split equals epoch 0's first indices: streams not separated")
	}
}

// TestSplitMix64Reference checks the generator against the reference
// splitmix64.c (Vigna) started from state 1234567.
func TestSplitMix64Reference(t *testing.T) {
	s := splitMix64{state: 1234567}
	want := []uint64{6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821}
	for i, w := range want {
		if got := s.next(); got != w {
			t.Fatalf("output %d = %d, want %d", i, got, w)
		}
	}
}
