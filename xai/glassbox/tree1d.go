package glassbox

import "math/rand/v2"

// leafRange is a leaf of a 1-D tree: bins lo..hi inclusive.
type leafRange struct{ lo, hi int }

// fitTree1D grows a tree over the ordered value bins 1..len(G)−1 best-first
// up to opt.MaxLeaves leaves, splitting where the Newton gain
// G_L²/H_L + G_R²/H_R − G²/H is largest, and writes each bin's update
// −learning_rate·G_leaf/H_leaf into delta. The missing bin 0 is its own leaf.
// It reports whether any bin changed.
//
// With rng != nil the cuts are drawn at random among the admissible ones
// (smoothing rounds) and the leaf to split is drawn at random too.
func fitTree1D(G, H, C, delta []float64, opt EBMOptions, rng *rand.Rand) bool {
	nb := len(G)
	for k := range delta {
		delta[k] = 0
	}
	changed := false
	if C[0] >= float64(opt.MinSamplesLeaf) && H[0] > 0 {
		delta[0] = -opt.LearningRate * G[0] / H[0]
		changed = true
	}
	leaves := []leafRange{{1, nb - 1}}
	for len(leaves) < opt.MaxLeaves {
		bestGain, bestLeaf, bestCut := 0.0, -1, -1
		if rng != nil {
			li := rng.IntN(len(leaves))
			if cut := randomSplit(C, leaves[li].lo, leaves[li].hi, opt.MinSamplesLeaf, rng); cut >= 0 {
				bestLeaf, bestCut = li, cut
			}
		} else {
			for li, lf := range leaves {
				cut, gain := bestSplit(G, H, C, lf.lo, lf.hi, opt.MinSamplesLeaf)
				if cut >= 0 && gain > bestGain {
					bestGain, bestLeaf, bestCut = gain, li, cut
				}
			}
		}
		if bestLeaf < 0 {
			break
		}
		lf := leaves[bestLeaf]
		leaves[bestLeaf] = leafRange{lf.lo, bestCut}
		leaves = append(leaves, leafRange{bestCut + 1, lf.hi})
	}
	if len(leaves) == 1 {
		// No split: a single-leaf update only moves the intercept, which the
		// centring would undo; skip it (as a tree with one leaf would).
		return changed
	}
	for _, lf := range leaves {
		g, h := 0.0, 0.0
		for k := lf.lo; k <= lf.hi; k++ {
			g += G[k]
			h += H[k]
		}
		if h <= 0 {
			continue
		}
		v := -opt.LearningRate * g / h
		for k := lf.lo; k <= lf.hi; k++ {
			delta[k] = v
		}
		changed = true
	}
	return changed
}

// randomSplit draws a cut in [lo, hi) uniformly among those leaving at least
// minLeaf rows on each side and separating non-empty bins; −1 if none.
func randomSplit(C []float64, lo, hi, minLeaf int, rng *rand.Rand) int {
	ct := 0.0
	for k := lo; k <= hi; k++ {
		ct += C[k]
	}
	admissible := func(c int, cl float64) bool {
		return C[c] > 0 && cl >= float64(minLeaf) && ct-cl >= float64(minLeaf)
	}
	count, cl := 0, 0.0
	for c := lo; c < hi; c++ {
		cl += C[c]
		if admissible(c, cl) {
			count++
		}
	}
	if count == 0 {
		return -1
	}
	pick := rng.IntN(count)
	cl = 0
	for c := lo; c < hi; c++ {
		cl += C[c]
		if admissible(c, cl) {
			if pick == 0 {
				return c
			}
			pick--
		}
	}
	return -1
}

// bestSplit finds the cut c in [lo, hi) splitting bins lo..c | c+1..hi with
// the largest Newton gain, each side holding at least minLeaf rows.
func bestSplit(G, H, C []float64, lo, hi, minLeaf int) (int, float64) {
	gt, ht, ct := 0.0, 0.0, 0.0
	for k := lo; k <= hi; k++ {
		gt += G[k]
		ht += H[k]
		ct += C[k]
	}
	if ht <= 0 {
		return -1, 0
	}
	parent := gt * gt / ht
	gl, hl, cl := 0.0, 0.0, 0.0
	bestCut, bestGain := -1, 0.0
	for c := lo; c < hi; c++ {
		gl += G[c]
		hl += H[c]
		cl += C[c]
		if C[c] == 0 { // same split as the previous cut
			continue
		}
		if cl < float64(minLeaf) || ct-cl < float64(minLeaf) || hl <= 0 || ht-hl <= 0 {
			continue
		}
		gr, hr := gt-gl, ht-hl
		gain := gl*gl/hl + gr*gr/hr - parent
		if gain > bestGain+1e-15 {
			bestGain, bestCut = gain, c
		}
	}
	return bestCut, bestGain
}
