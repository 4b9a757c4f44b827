package glassbox

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"
)

// EBMOptions configures FitEBM. Zero values take the defaults in brackets,
// chosen in the spirit of InterpretML's ExplainableBoostingClassifier.
type EBMOptions struct {
	// Regression selects squared loss; otherwise the label is a binary class
	// (0/1) and the loss is log loss.
	Regression bool
	// MaxBins bounds the quantile bins per feature for main effects [256].
	MaxBins int
	// MaxInteractionBins bounds the bins per feature inside a pair term [32].
	MaxInteractionBins int
	// LearningRate scales every boosting step [0.01].
	LearningRate float64
	// MaxRounds bounds the boosting rounds; a round visits every term once [5000].
	MaxRounds int
	// EarlyStoppingRounds stops a bag after this many rounds without an
	// improvement of the validation loss [50].
	EarlyStoppingRounds int
	// EarlyStoppingTol is the relative improvement of the validation loss
	// that counts [1e-5].
	EarlyStoppingTol float64
	// OuterBags is the number of bags whose models are averaged [8].
	OuterBags int
	// ValidationFraction of the training rows is held out in each bag for
	// early stopping (stratified by class) [0.15]. Negative means none: every
	// bag then runs MaxRounds rounds on all rows.
	ValidationFraction float64
	// MaxLeaves is the number of leaves of every shallow tree [3].
	MaxLeaves int
	// MinSamplesLeaf is the fewest training rows a leaf may hold [10].
	MinSamplesLeaf int
	// SmoothingRounds is the number of initial rounds whose trees cut at
	// random admissible points instead of the best ones, which gives smoother
	// shape functions that follow broad trends before greedy rounds refine
	// them (as InterpretML's smoothing_rounds) [500; negative: none].
	SmoothingRounds int
	// Interactions is the number of pairwise terms chosen by FAST [0].
	Interactions int
	// Categorical lists feature indices whose every distinct value is its own
	// bin (numeric category codes).
	Categorical []int
	// Seed drives the bag splits; equal seeds give identical models.
	Seed uint64
	// Workers bounds the goroutines over bags [GOMAXPROCS].
	Workers int
}

func (o *EBMOptions) defaults() {
	if o.MaxBins <= 0 {
		o.MaxBins = 256
	}
	if o.MaxInteractionBins <= 0 {
		o.MaxInteractionBins = 32
	}
	if o.LearningRate <= 0 {
		o.LearningRate = 0.01
	}
	if o.MaxRounds <= 0 {
		o.MaxRounds = 5000
	}
	if o.EarlyStoppingRounds <= 0 {
		o.EarlyStoppingRounds = 50
	}
	if o.EarlyStoppingTol <= 0 {
		o.EarlyStoppingTol = 1e-5
	}
	if o.OuterBags <= 0 {
		o.OuterBags = 8
	}
	if o.ValidationFraction == 0 {
		o.ValidationFraction = 0.15
	}
	if o.MaxLeaves <= 0 {
		o.MaxLeaves = 3
	}
	if o.MinSamplesLeaf <= 0 {
		o.MinSamplesLeaf = 10
	}
	if o.SmoothingRounds == 0 {
		o.SmoothingRounds = 500
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
}

// Term is one additive component of an EBM: a shape function of one feature
// (a score per bin of Bins[Features[0]]) or of a pair of features (a score
// per cell of the PairBins grid, row-major: first feature's bin × number of
// second feature's bins + second feature's bin).
type Term struct {
	// Name is the feature name, or "a × b" for a pair.
	Name string
	// Features holds the one or two feature indices.
	Features []int
	// Scores holds the term's contribution to the logit (or to the
	// prediction, for regression) per bin or cell, centred to mean zero over
	// the training rows.
	Scores []float64
	// StdDev is the standard deviation of Scores across the outer bags.
	StdDev []float64
	// Importance is the mean absolute contribution over the training rows.
	Importance float64
}

// IsPair reports whether the term is a pairwise interaction.
func (t *Term) IsPair() bool { return len(t.Features) == 2 }

// EBM is a fitted Explainable Boosting Machine: a generalized additive model
// g(E[y]) = Intercept + Σ f_j(x_j) + Σ f_ij(x_i, x_j) whose shape functions
// are piecewise constant on quantile bins, learned by cyclic gradient
// boosting of shallow trees, one feature at a time with a small learning rate
// (Lou, Caruana and Gehrke 2012), with pairs chosen by FAST (Lou et al. 2013),
// averaged over outer bags with early stopping (Nori et al. 2019).
type EBM struct {
	// Features names the input columns.
	Features []string
	// Classes names the two classes (classification only).
	Classes []string
	// Regression is true for squared loss.
	Regression bool
	// Intercept is the constant term (logit or mean).
	Intercept float64
	// Bins holds the main-effect binning of every feature.
	Bins []Binning
	// PairBins holds the coarser binning used inside pair terms (nil without
	// interactions).
	PairBins []Binning
	// Terms are the main effects, one per feature in input order, then the
	// pairs in FAST order.
	Terms []Term
	// BagRounds is the number of boosting rounds each bag kept (main
	// effects), after early stopping.
	BagRounds []int
	// PairBagRounds is the same for the pair stage.
	PairBagRounds []int
	// Options are the options the model was fitted with, defaults filled in.
	Options EBMOptions
}

// FitEBM fits an EBM. x is row-major with len(features) columns (NaN marks a
// missing value); y holds 0/1 classes (classification) or real targets
// (regression); classes optionally names the two classes.
func FitEBM(x, y []float64, features []string, classes []string, opt EBMOptions) (*EBM, error) {
	opt.defaults()
	if err := checkShape("EBM", x, y, features); err != nil {
		return nil, err
	}
	p, n := len(features), len(y)
	if n < 4 {
		return nil, fmt.Errorf("EBM: %d training rows; at least 4 are needed", n)
	}
	if opt.LearningRate > 1 || opt.MaxLeaves < 2 || opt.ValidationFraction >= 1 {
		return nil, fmt.Errorf("EBM: learning rate %g (allowed (0,1]), max leaves %d (allowed ≥ 2), validation fraction %g (allowed [0,1))", opt.LearningRate, opt.MaxLeaves, opt.ValidationFraction)
	}
	if opt.Interactions < 0 {
		return nil, fmt.Errorf("EBM: interactions %d; it must be ≥ 0", opt.Interactions)
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("EBM: row %d: label %v", i, v)
		}
		if !opt.Regression && v != 0 && v != 1 {
			return nil, fmt.Errorf("EBM: row %d: label %v; classification needs a binary label coded 0/1 (multiclass is not supported: use logistic regression, or regression for a numeric target)", i, v)
		}
	}
	for i, v := range x {
		if math.IsInf(v, 0) {
			return nil, fmt.Errorf("EBM: row %d, feature %q is %v", i/p, features[i%p], v)
		}
	}
	m := &EBM{Features: append([]string(nil), features...), Regression: opt.Regression, Options: opt}
	if !opt.Regression {
		if classes == nil {
			classes = []string{"0", "1"}
		}
		if len(classes) != 2 {
			return nil, fmt.Errorf("EBM: %d class names; binary classification needs 2", len(classes))
		}
		m.Classes = append([]string(nil), classes...)
		pos := 0
		for _, v := range y {
			pos += int(v)
		}
		if pos == 0 || pos == n {
			return nil, fmt.Errorf("EBM: all %d training rows are class %v; both classes are needed", n, y[0])
		}
	}
	cat := map[int]bool{}
	for _, j := range opt.Categorical {
		if j < 0 || j >= p {
			return nil, fmt.Errorf("EBM: categorical feature index %d out of range [0,%d)", j, p)
		}
		cat[j] = true
	}

	// Bin every feature once; boosting then works on small integer codes.
	col := make([]float64, n)
	m.Bins = make([]Binning, p)
	binned := make([][]uint16, p)
	for j := 0; j < p; j++ {
		for i := 0; i < n; i++ {
			col[i] = x[i*p+j]
		}
		m.Bins[j] = QuantileBinning(col, min(opt.MaxBins, 65000), cat[j])
		binned[j] = make([]uint16, n)
		for i := 0; i < n; i++ {
			binned[j][i] = uint16(m.Bins[j].Bin(col[i]))
		}
	}

	bags := makeBags(y, opt)
	mainTerms := make([]boostTerm, p)
	for j := 0; j < p; j++ {
		mainTerms[j] = boostTerm{feats: []int{j}, nb: []int{m.Bins[j].NumBins()}, codes: [][]uint16{binned[j]}}
	}
	results := make([]bagResult, len(bags))
	runBags(bags, opt.Workers, func(b int) {
		rng := rand.New(rand.NewPCG(opt.Seed, 1000+uint64(b)))
		results[b] = boostBag(mainTerms, y, bags[b], nil, opt, rng)
	})

	// Average the bags' main effects.
	var intercept float64
	for _, r := range results {
		intercept += r.intercept
		m.BagRounds = append(m.BagRounds, r.rounds)
	}
	intercept /= float64(len(results))
	tables := make([][][]float64, p) // term, bag, bin
	for j := 0; j < p; j++ {
		for _, r := range results {
			tables[j] = append(tables[j], r.tables[j])
		}
	}

	var pairs []boostTerm
	if opt.Interactions > 0 && p > 1 {
		m.PairBins = make([]Binning, p)
		coarse := make([][]uint16, p)
		for j := 0; j < p; j++ {
			for i := 0; i < n; i++ {
				col[i] = x[i*p+j]
			}
			m.PairBins[j] = QuantileBinning(col, opt.MaxInteractionBins, cat[j])
			coarse[j] = make([]uint16, n)
			for i := 0; i < n; i++ {
				coarse[j][i] = uint16(m.PairBins[j].Bin(col[i]))
			}
		}
		// Rank pairs on the residuals of the averaged main-effect model.
		score := make([]float64, n)
		for i := range score {
			score[i] = intercept
			for j := 0; j < p; j++ {
				score[i] += meanOver(tables[j], int(binned[j][i]))
			}
		}
		ranked := RankPairsFAST(coarse, m.PairBins, y, score, opt.Regression, opt.MinSamplesLeaf)
		if len(ranked) > opt.Interactions {
			ranked = ranked[:opt.Interactions]
		}
		for _, pr := range ranked {
			a, b := pr.A, pr.B
			pairs = append(pairs, boostTerm{feats: []int{a, b}, nb: []int{m.PairBins[a].NumBins(), m.PairBins[b].NumBins()}, codes: [][]uint16{coarse[a], coarse[b]}})
		}
		if len(pairs) > 0 {
			presults := make([]bagResult, len(bags))
			runBags(bags, opt.Workers, func(b int) {
				// Each bag continues from its own main-effect model.
				start := make([]float64, n)
				for i := range start {
					start[i] = results[b].intercept
					for j := 0; j < p; j++ {
						start[i] += results[b].tables[j][binned[j][i]]
					}
				}
				rng := rand.New(rand.NewPCG(opt.Seed, 2000+uint64(b)))
				presults[b] = boostBag(pairs, y, bags[b], start, opt, rng)
			})
			for _, r := range presults {
				m.PairBagRounds = append(m.PairBagRounds, r.rounds)
			}
			for t := range pairs {
				var tb [][]float64
				for _, r := range presults {
					tb = append(tb, r.tables[t])
				}
				tables = append(tables, tb)
			}
		}
	}

	// Average, centre on the training rows (moving the means into the
	// intercept) and measure importance.
	all := append(append([]boostTerm(nil), mainTerms...), pairs...)
	m.Intercept = intercept
	for t, bt := range all {
		nb := len(tables[t][0])
		w := make([]float64, nb)
		for i := 0; i < n; i++ {
			w[bt.cell(i)]++
		}
		avg := make([]float64, nb)
		for _, tb := range tables[t] {
			for k, v := range tb {
				avg[k] += v / float64(len(tables[t]))
			}
		}
		mu := weightedMean(avg, w)
		for k := range avg {
			avg[k] -= mu
		}
		if len(bt.feats) == 1 && w[0] == 0 {
			// No missing values in training: a missing value later gets the
			// average contribution, 0.
			avg[0] = 0
		}
		m.Intercept += mu
		sd := make([]float64, nb)
		if len(tables[t]) > 1 {
			for _, tb := range tables[t] {
				mb := weightedMean(tb, w)
				for k, v := range tb {
					d := v - mb - avg[k]
					if len(bt.feats) == 1 && k == 0 && w[0] == 0 {
						d = 0
					}
					sd[k] += d * d
				}
			}
			for k := range sd {
				sd[k] = math.Sqrt(sd[k] / float64(len(tables[t])-1))
			}
		}
		imp := 0.0
		for k, v := range avg {
			imp += w[k] * math.Abs(v)
		}
		term := Term{Features: bt.feats, Scores: avg, StdDev: sd, Importance: imp / float64(n)}
		if len(bt.feats) == 1 {
			term.Name = features[bt.feats[0]]
		} else {
			term.Name = features[bt.feats[0]] + " × " + features[bt.feats[1]]
		}
		m.Terms = append(m.Terms, term)
	}
	return m, nil
}

func meanOver(tables [][]float64, k int) float64 {
	s := 0.0
	for _, t := range tables {
		s += t[k]
	}
	return s / float64(len(tables))
}

func weightedMean(v, w []float64) float64 {
	s, sw := 0.0, 0.0
	for k := range v {
		s += w[k] * v[k]
		sw += w[k]
	}
	if sw == 0 {
		return 0
	}
	return s / sw
}

// boostTerm is a term during boosting: its features, bin counts per feature
// and the pre-binned codes of every training row.
type boostTerm struct {
	feats []int
	nb    []int
	codes [][]uint16
}

func (t *boostTerm) size() int {
	if len(t.nb) == 1 {
		return t.nb[0]
	}
	return t.nb[0] * t.nb[1]
}

func (t *boostTerm) cell(i int) int {
	if len(t.codes) == 1 {
		return int(t.codes[0][i])
	}
	return int(t.codes[0][i])*t.nb[1] + int(t.codes[1][i])
}

// bag holds one outer bag's split of the training rows.
type bag struct {
	train, val []int
}

// makeBags draws the outer bags' train/validation splits, stratified by class
// for classification, from the seed.
func makeBags(y []float64, opt EBMOptions) []bag {
	n := len(y)
	bags := make([]bag, opt.OuterBags)
	for b := range bags {
		r := rand.New(rand.NewPCG(opt.Seed, uint64(b)+1))
		if opt.ValidationFraction < 0 {
			bags[b].train = make([]int, n)
			for i := range bags[b].train {
				bags[b].train[i] = i
			}
			continue
		}
		var groups [][]int
		if opt.Regression {
			all := make([]int, n)
			for i := range all {
				all[i] = i
			}
			groups = [][]int{all}
		} else {
			groups = make([][]int, 2)
			for i, v := range y {
				groups[int(v)] = append(groups[int(v)], i)
			}
		}
		for _, g := range groups {
			g = append([]int(nil), g...)
			r.Shuffle(len(g), func(a, c int) { g[a], g[c] = g[c], g[a] })
			nv := int(math.Round(opt.ValidationFraction * float64(len(g))))
			if nv >= len(g) {
				nv = len(g) - 1
			}
			bags[b].val = append(bags[b].val, g[:nv]...)
			bags[b].train = append(bags[b].train, g[nv:]...)
		}
		sort.Ints(bags[b].train)
		sort.Ints(bags[b].val)
	}
	return bags
}

// runBags calls f for every bag on at most workers goroutines.
func runBags(bags []bag, workers int, f func(b int)) {
	sem := make(chan struct{}, max(1, workers))
	var wg sync.WaitGroup
	for b := range bags {
		wg.Add(1)
		sem <- struct{}{}
		go func(b int) {
			defer wg.Done()
			defer func() { <-sem }()
			f(b)
		}(b)
	}
	wg.Wait()
}

// bagResult is what one bag learned: its intercept, the kept tables and the
// number of rounds kept.
type bagResult struct {
	intercept float64
	tables    [][]float64
	rounds    int
}

// boostBag runs cyclic boosting over terms on one bag. With start == nil it
// begins from the bag's base rate (log-odds or mean) and returns it as the
// intercept; otherwise it continues from the given per-row scores.
func boostBag(terms []boostTerm, y []float64, bg bag, start []float64, opt EBMOptions, rng *rand.Rand) bagResult {
	var res bagResult
	tr, va := bg.train, bg.val
	if start == nil {
		mu := 0.0
		for _, i := range tr {
			mu += y[i]
		}
		mu /= float64(len(tr))
		if !opt.Regression {
			mu = math.Log(mu / (1 - mu))
		}
		res.intercept = mu
	}
	st := make([]float64, len(tr)) // scores of training rows
	sv := make([]float64, len(va))
	for k, i := range tr {
		if start != nil {
			st[k] = start[i]
		} else {
			st[k] = res.intercept
		}
	}
	for k, i := range va {
		if start != nil {
			sv[k] = start[i]
		} else {
			sv[k] = res.intercept
		}
	}
	tables := make([][]float64, len(terms))
	best := make([][]float64, len(terms))
	maxSize := 0
	for t := range terms {
		tables[t] = make([]float64, terms[t].size())
		best[t] = make([]float64, terms[t].size())
		maxSize = max(maxSize, terms[t].size())
	}
	G := make([]float64, maxSize)
	H := make([]float64, maxSize)
	C := make([]float64, maxSize)
	delta := make([]float64, maxSize)
	bestLoss := math.Inf(1)
	if len(va) > 0 {
		bestLoss = loss(sv, va, y, opt.Regression)
	}
	for round := 1; round <= opt.MaxRounds; round++ {
		for t := range terms {
			term := &terms[t]
			sz := term.size()
			for k := 0; k < sz; k++ {
				G[k], H[k], C[k] = 0, 0, 0
			}
			for k, i := range tr {
				g, h := gradHess(st[k], y[i], opt.Regression)
				c := term.cell(i)
				G[c] += g
				H[c] += h
				C[c]++
			}
			var changed bool
			if len(term.nb) == 1 {
				var r *rand.Rand
				if round <= opt.SmoothingRounds {
					r = rng
				}
				changed = fitTree1D(G[:sz], H[:sz], C[:sz], delta[:sz], opt, r)
			} else {
				changed = fitTree2D(G[:sz], H[:sz], C[:sz], term.nb[0], term.nb[1], delta[:sz], opt)
			}
			if !changed {
				continue
			}
			tab := tables[t]
			for k := 0; k < sz; k++ {
				tab[k] += delta[k]
			}
			for k, i := range tr {
				st[k] += delta[term.cell(i)]
			}
			for k, i := range va {
				sv[k] += delta[term.cell(i)]
			}
		}
		if len(va) == 0 {
			res.rounds = round
			continue
		}
		l := loss(sv, va, y, opt.Regression)
		if l < bestLoss-opt.EarlyStoppingTol*math.Abs(bestLoss) {
			bestLoss = l
			res.rounds = round
			for t := range tables {
				copy(best[t], tables[t])
			}
		} else if round-res.rounds >= opt.EarlyStoppingRounds {
			break
		}
	}
	if len(va) == 0 {
		best = tables
	}
	res.tables = best
	return res
}

// gradHess returns the gradient and Hessian of the loss with respect to the
// score: log loss (p − y, p(1 − p)) or half squared error (s − y, 1).
func gradHess(s, y float64, regression bool) (float64, float64) {
	if regression {
		return s - y, 1
	}
	p := 1 / (1 + math.Exp(-s))
	return p - y, math.Max(p*(1-p), 1e-16)
}

// loss is the mean log loss or mean squared error over the rows idx.
func loss(scores []float64, idx []int, y []float64, regression bool) float64 {
	s := 0.0
	for k, i := range idx {
		if regression {
			d := scores[k] - y[i]
			s += d * d
			continue
		}
		// log(1+e^s) − y·s, computed stably.
		z := scores[k]
		s += softplus(z) - y[i]*z
	}
	return s / float64(len(idx))
}

func softplus(z float64) float64 {
	if z > 0 {
		return z + math.Log1p(math.Exp(-z))
	}
	return math.Log1p(math.Exp(z))
}

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
	var ok []int
	cl := 0.0
	for c := lo; c < hi; c++ {
		cl += C[c]
		if C[c] > 0 && cl >= float64(minLeaf) && ct-cl >= float64(minLeaf) {
			ok = append(ok, c)
		}
	}
	if len(ok) == 0 {
		return -1
	}
	return ok[rng.IntN(len(ok))]
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

// Logit returns the model's score for one row of raw feature values: the
// log-odds of class 1 (classification) or the prediction (regression).
func (m *EBM) Logit(row []float64) float64 {
	s := m.Intercept
	for t := range m.Terms {
		s += m.termScore(t, row)
	}
	return s
}

// termScore is term t's contribution for a row.
func (m *EBM) termScore(t int, row []float64) float64 {
	term := &m.Terms[t]
	if len(term.Features) == 1 {
		j := term.Features[0]
		return term.Scores[m.Bins[j].Bin(row[j])]
	}
	a, b := term.Features[0], term.Features[1]
	return term.Scores[m.PairBins[a].Bin(row[a])*m.PairBins[b].NumBins()+m.PairBins[b].Bin(row[b])]
}

// Probability returns P(class 1 | row) for a classifier.
func (m *EBM) Probability(row []float64) float64 { return 1 / (1 + math.Exp(-m.Logit(row))) }

// Predict returns the predicted class (0 or 1) or, for regression, the
// predicted value.
func (m *EBM) Predict(row []float64) float64 {
	s := m.Logit(row)
	if m.Regression {
		return s
	}
	if s > 0 {
		return 1
	}
	return 0
}

// EBMScore holds evaluation metrics of an EBM on a data set.
type EBMScore struct {
	// Accuracy is the fraction of correct classes (classification).
	Accuracy float64
	// LogLik is the summed log-likelihood (classification).
	LogLik float64
	// LogLoss is the mean negative log-likelihood (classification).
	LogLoss float64
	// RMSE is the root mean squared error (regression).
	RMSE float64
	// R2 is the coefficient of determination (regression).
	R2 float64
}

// Score evaluates the model on rows x (row-major) with labels y.
func (m *EBM) Score(x, y []float64) (EBMScore, error) {
	p := len(m.Features)
	var s EBMScore
	if len(y) == 0 || len(x) != len(y)*p {
		return s, fmt.Errorf("EBM scoring: %d values do not form %d (≥1) rows of %d features", len(x), len(y), p)
	}
	if m.Regression {
		mu := 0.0
		for _, v := range y {
			mu += v
		}
		mu /= float64(len(y))
		sse, sst := 0.0, 0.0
		for i, v := range y {
			d := m.Logit(x[i*p:(i+1)*p]) - v
			sse += d * d
			sst += (v - mu) * (v - mu)
		}
		s.RMSE = math.Sqrt(sse / float64(len(y)))
		if sst > 0 {
			s.R2 = 1 - sse/sst
		}
		return s, nil
	}
	correct := 0
	for i, v := range y {
		if v != 0 && v != 1 {
			return s, fmt.Errorf("EBM scoring: row %d has label %v; the classifier knows 0 and 1", i, v)
		}
		z := m.Logit(x[i*p : (i+1)*p])
		if (z > 0) == (v == 1) {
			correct++
		}
		s.LogLik -= softplus(z) - v*z
	}
	s.Accuracy = float64(correct) / float64(len(y))
	s.LogLoss = -s.LogLik / float64(len(y))
	return s, nil
}

// Contribution is one term's part in a local explanation.
type Contribution struct {
	// Term is the term's name.
	Term string
	// Value describes the row's bin(s) of the term's feature(s).
	Value string
	// Score is the term's contribution to the logit (or prediction).
	Score float64
}

// Explanation is the local explanation of one row: the intercept and every
// term's contribution, which sum to Logit.
type Explanation struct {
	// Intercept is the model's constant.
	Intercept float64
	// Terms holds one contribution per model term, in model order.
	Terms []Contribution
	// Logit is the row's score: Intercept + Σ Terms[i].Score.
	Logit float64
}

// Explain returns the additive decomposition of one row's score.
func (m *EBM) Explain(row []float64) Explanation {
	e := Explanation{Intercept: m.Intercept, Logit: m.Intercept}
	for t := range m.Terms {
		term := &m.Terms[t]
		s := m.termScore(t, row)
		var val string
		if len(term.Features) == 1 {
			val = fmt.Sprintf("%g", row[term.Features[0]])
		} else {
			val = fmt.Sprintf("%g, %g", row[term.Features[0]], row[term.Features[1]])
		}
		e.Terms = append(e.Terms, Contribution{Term: term.Name, Value: val, Score: s})
		e.Logit += s
	}
	return e
}

// Importance is a term's global importance.
type Importance struct {
	// Term is the term's name.
	Term string
	// Importance is the mean absolute contribution over the training rows.
	Importance float64
}

// Importances returns the terms' importances, most important first (ties
// keep model order).
func (m *EBM) Importances() []Importance {
	out := make([]Importance, len(m.Terms))
	for t, term := range m.Terms {
		out[t] = Importance{term.Name, term.Importance}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Importance > out[b].Importance })
	return out
}

// TermIndex returns the index of the term with the given name, or −1.
func (m *EBM) TermIndex(name string) int {
	for t := range m.Terms {
		if m.Terms[t].Name == name {
			return t
		}
	}
	return -1
}
