package glassbox

import (
	"sort"
)

// PairRank is a candidate pair with its FAST gain.
type PairRank struct {
	// A and B are the feature indices, A < B.
	A, B int
	// Gain is the best reduction of the second-order loss approximation
	// achieved by a four-quadrant model (one cut on each feature).
	Gain float64
}

// RankPairsFAST ranks all feature pairs by the FAST criterion of Lou,
// Caruana, Gehrke and Hooker (KDD 2013): on the residuals of the current
// additive model, each pair's best "interaction tree" with one cut on each
// feature (four quadrants, each predicting its Newton step) is found in
// O(bins_a · bins_b) from two-dimensional cumulative histograms, and pairs are
// ordered by the gain Σ_q G_q²/H_q − G²/H of that tree. codes holds every
// feature's (coarse) bin per row; score is the current model's score per row.
// Pairs with no admissible cut are left out. The order is deterministic
// (ties broken by feature indices).
func RankPairsFAST(codes [][]uint16, bins []Binning, y, score []float64, regression bool, minLeaf int) []PairRank {
	p := len(codes)
	n := len(y)
	g := make([]float64, n)
	h := make([]float64, n)
	for i := range y {
		g[i], h[i] = gradHess(score[i], y[i], regression)
	}
	var out []PairRank
	for a := 0; a < p; a++ {
		for b := a + 1; b < p; b++ {
			na, nb := bins[a].NumBins(), bins[b].NumBins()
			G := make([]float64, na*nb)
			H := make([]float64, na*nb)
			C := make([]float64, na*nb)
			for i := 0; i < n; i++ {
				c := int(codes[a][i])*nb + int(codes[b][i])
				G[c] += g[i]
				H[c] += h[i]
				C[c]++
			}
			if gain, ok := bestQuadrants(G, H, C, na, nb, float64(minLeaf)); ok {
				out = append(out, PairRank{A: a, B: b, Gain: gain})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Gain > out[j].Gain })
	return out
}

// cum2 holds inclusive two-dimensional prefix sums S[i][j] = Σ_{a≤i, b≤j}.
type cum2 struct {
	nb      int
	g, h, c []float64
}

func newCum2(G, H, C []float64, na, nb int) *cum2 {
	s := &cum2{nb: nb, g: make([]float64, na*nb), h: make([]float64, na*nb), c: make([]float64, na*nb)}
	for i := 0; i < na; i++ {
		rg, rh, rc := 0.0, 0.0, 0.0
		for j := 0; j < nb; j++ {
			k := i*nb + j
			rg += G[k]
			rh += H[k]
			rc += C[k]
			s.g[k], s.h[k], s.c[k] = rg, rh, rc
			if i > 0 {
				s.g[k] += s.g[k-nb]
				s.h[k] += s.h[k-nb]
				s.c[k] += s.c[k-nb]
			}
		}
	}
	return s
}

// rect sums the cells with rows i0..i1 and columns j0..j1 (inclusive).
func (s *cum2) rect(i0, i1, j0, j1 int) (g, h, c float64) {
	at := func(i, j int) (float64, float64, float64) {
		if i < 0 || j < 0 {
			return 0, 0, 0
		}
		k := i*s.nb + j
		return s.g[k], s.h[k], s.c[k]
	}
	g, h, c = at(i1, j1)
	g1, h1, c1 := at(i0-1, j1)
	g2, h2, c2 := at(i1, j0-1)
	g3, h3, c3 := at(i0-1, j0-1)
	return g - g1 - g2 + g3, h - h1 - h2 + h3, c - c1 - c2 + c3
}

func leafGain(g, h float64) float64 {
	if h <= 0 {
		return 0
	}
	return g * g / h
}

// bestQuadrants is the FAST search: the cut pair (i, j) maximizing the gain of
// the four quadrants rows ≤ i / > i × columns ≤ j / > j.
func bestQuadrants(G, H, C []float64, na, nb int, minLeaf float64) (float64, bool) {
	s := newCum2(G, H, C, na, nb)
	gt, ht, _ := s.rect(0, na-1, 0, nb-1)
	parent := leafGain(gt, ht)
	best, found := 0.0, false
	for i := 0; i < na-1; i++ {
		for j := 0; j < nb-1; j++ {
			total := 0.0
			ok := true
			for _, q := range [4][4]int{{0, i, 0, j}, {0, i, j + 1, nb - 1}, {i + 1, na - 1, 0, j}, {i + 1, na - 1, j + 1, nb - 1}} {
				g, h, c := s.rect(q[0], q[1], q[2], q[3])
				if c < minLeaf {
					ok = false
					break
				}
				total += leafGain(g, h)
			}
			if ok && (!found || total-parent > best) {
				best, found = total-parent, true
			}
		}
	}
	return best, found
}

// fitTree2D grows the pair tree used when boosting an interaction term: one
// cut on the first (or second) feature, then on each side its own best cut on
// the other feature, so up to four leaves; both orientations are tried and
// the better kept. Every cell gets its leaf's update −learning_rate·G/H in
// delta. It reports whether anything changed.
func fitTree2D(G, H, C []float64, na, nb int, delta []float64, opt EBMOptions) bool {
	for k := range delta {
		delta[k] = 0
	}
	minLeaf := float64(opt.MinSamplesLeaf)
	s := newCum2(G, H, C, na, nb)
	gt, ht, _ := s.rect(0, na-1, 0, nb-1)
	parent := leafGain(gt, ht)
	type plan struct {
		gain   float64
		first  int // 0: cut rows (first feature) first; 1: columns first
		cut    int
		sub    [2]int // cut on the other feature for each side; −1 = none
		usable bool
	}
	best := plan{}
	// sideBest finds the best cut of the other dimension inside a band.
	for first := 0; first < 2; first++ {
		n1, n2 := na, nb
		if first == 1 {
			n1, n2 = nb, na
		}
		band := func(lo, hi, o0, o1 int) (g, h, c float64) { // lo..hi on dim 1, o0..o1 on dim 2
			if first == 0 {
				return s.rect(lo, hi, o0, o1)
			}
			return s.rect(o0, o1, lo, hi)
		}
		for cut := 0; cut < n1-1; cut++ {
			total := 0.0
			var sub [2]int
			ok := true
			for side, r := range [2][2]int{{0, cut}, {cut + 1, n1 - 1}} {
				g, h, c := band(r[0], r[1], 0, n2-1)
				if c < minLeaf {
					ok = false
					break
				}
				sideBest := leafGain(g, h)
				sub[side] = -1
				for oc := 0; oc < n2-1; oc++ {
					g1, h1, c1 := band(r[0], r[1], 0, oc)
					g2, h2, c2 := band(r[0], r[1], oc+1, n2-1)
					if c1 < minLeaf || c2 < minLeaf {
						continue
					}
					if v := leafGain(g1, h1) + leafGain(g2, h2); v > sideBest+1e-15 {
						sideBest, sub[side] = v, oc
					}
				}
				total += sideBest
			}
			if ok && total-parent > best.gain+1e-15 {
				best = plan{gain: total - parent, first: first, cut: cut, sub: sub, usable: true}
			}
		}
	}
	if !best.usable {
		return false
	}
	n1, n2 := na, nb
	if best.first == 1 {
		n1, n2 = nb, na
	}
	changed := false
	for side, r := range [2][2]int{{0, best.cut}, {best.cut + 1, n1 - 1}} {
		parts := [][2]int{{0, n2 - 1}}
		if oc := best.sub[side]; oc >= 0 {
			parts = [][2]int{{0, oc}, {oc + 1, n2 - 1}}
		}
		for _, o := range parts {
			var g, h float64
			if best.first == 0 {
				g, h, _ = s.rect(r[0], r[1], o[0], o[1])
			} else {
				g, h, _ = s.rect(o[0], o[1], r[0], r[1])
			}
			if h <= 0 {
				continue
			}
			v := -opt.LearningRate * g / h
			for i := r[0]; i <= r[1]; i++ {
				for j := o[0]; j <= o[1]; j++ {
					if best.first == 0 {
						delta[i*nb+j] = v
					} else {
						delta[j*nb+i] = v
					}
				}
			}
			changed = true
		}
	}
	return changed
}
