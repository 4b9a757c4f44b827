package glassbox

import (
	"context"
	"math"
	"math/rand/v2"
	"sort"
	"sync"
)

// boostTerm is a term during boosting: its features, the bin count of each
// feature, and the histogram cell of every training row (the feature's bin,
// or first bin × second feature's bins + second bin for a pair).
type boostTerm struct {
	feats []int
	nb    []int
	cells []uint16
}

func (t *boostTerm) size() int {
	if len(t.nb) == 1 {
		return t.nb[0]
	}
	return t.nb[0] * t.nb[1]
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

// runBags calls f for every bag on at most workers goroutines and returns
// the error of the lowest-numbered bag that failed, so the outcome does not
// depend on scheduling. Each call writes only its own bag's results.
func runBags(bags []bag, workers int, f func(b int) error) error {
	errs := make([]error, len(bags))
	sem := make(chan struct{}, max(1, workers))
	var wg sync.WaitGroup
	for b := range bags {
		wg.Add(1)
		sem <- struct{}{}
		go func(b int) {
			defer wg.Done()
			defer func() { <-sem }()
			errs[b] = f(b)
		}(b)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// bagResult is what one bag learned: its intercept, the kept tables and the
// number of rounds kept.
type bagResult struct {
	intercept float64
	tables    [][]float64
	rounds    int
}

// bagRows is one bag's view of the terms: every term's cells and the labels
// gathered for its training and validation rows (contiguous, so a boosting
// pass streams through memory), and the fixed row count of every cell.
type bagRows struct {
	ytr, yva []float64
	wtr, wva []float64 // frequency weights (nil: every row counts once)
	trc, vac [][]uint16
	counts   [][]float64
}

// gatherBag gathers a bag's rows; with frequency weights w (nil: none) the
// cell counts are sums of weights, so a leaf's size counts observations.
func gatherBag(terms []boostTerm, y, w []float64, bg bag) *bagRows {
	r := &bagRows{ytr: gather(y, bg.train), yva: gather(y, bg.val)}
	if w != nil {
		r.wtr, r.wva = gather(w, bg.train), gather(w, bg.val)
	}
	for _, t := range terms {
		tc, vc := gather(t.cells, bg.train), gather(t.cells, bg.val)
		cnt := make([]float64, t.size())
		if w != nil {
			for k, c := range tc {
				cnt[c] += r.wtr[k]
			}
		} else {
			for _, c := range tc {
				cnt[c]++
			}
		}
		r.trc, r.vac, r.counts = append(r.trc, tc), append(r.vac, vc), append(r.counts, cnt)
	}
	return r
}

func gather[T any](v []T, idx []int) []T {
	out := make([]T, len(idx))
	for k, i := range idx {
		out[k] = v[i]
	}
	return out
}

// roundFunc is told after every boosting round of a bag: the round and the
// bag's current validation loss (NaN without validation rows).
type roundFunc func(round int, valLoss float64)

// boostBag runs cyclic boosting over terms on one bag. With start == nil it
// begins from the bag's base rate (log-odds or mean) and returns it as the
// intercept; otherwise it continues from the given per-row scores. It checks
// ctx once per round and returns its error when cancelled.
//
// Every term update makes one pass over the bag's training rows
// (histogram): it first applies the previous term's update to each row, then
// accumulates the row's gradient and Hessian into the term's per-cell sums,
// from which the tree is grown. This is the cyclic boosting of Lou, Caruana
// and Gehrke (2012) over binned features, as InterpretML does it. For log
// loss a training row carries its odds e^score rather than its score, and an
// update multiplies them by e^delta (one exponential per cell instead of one
// per row); p = e/(1+e). The odds are kept within [1e-300, 1e300].
func boostBag(ctx context.Context, terms []boostTerm, y []float64, bg bag, start []float64, opt EBMOptions, rng *rand.Rand, tick roundFunc) (bagResult, error) {
	var res bagResult
	rows := gatherBag(terms, y, opt.Weights, bg)
	if start == nil {
		mu := 0.0
		if rows.wtr != nil {
			sw := 0.0
			for k, v := range rows.ytr {
				mu += rows.wtr[k] * v
				sw += rows.wtr[k]
			}
			mu /= sw
		} else {
			for _, v := range rows.ytr {
				mu += v
			}
			mu /= float64(len(rows.ytr))
		}
		if !opt.Regression {
			mu = math.Log(mu / (1 - mu))
		}
		res.intercept = mu
	}
	st := make([]float64, len(bg.train)) // scores of training rows
	sv := make([]float64, len(bg.val))
	for k, i := range bg.train {
		st[k] = res.intercept
		if start != nil {
			st[k] = start[i]
		}
		if !opt.Regression {
			st[k] = clampOdds(math.Exp(st[k]))
		}
	}
	for k, i := range bg.val {
		sv[k] = res.intercept
		if start != nil {
			sv[k] = start[i]
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
	delta, pendBuf := make([]float64, maxSize), make([]float64, maxSize)
	var pend []float64 // an update not yet applied to st (e^delta for log loss), of the cells pendCells
	var pendCells []uint16
	hasVal := len(bg.val) > 0
	bestLoss := math.Inf(1)
	if hasVal {
		bestLoss = loss(sv, rows.yva, rows.wva, opt.Regression)
	}
	for round := 1; round <= opt.MaxRounds; round++ {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		for t := range terms {
			term := &terms[t]
			sz := term.size()
			histogram(G[:sz], H[:sz], st, rows.ytr, rows.wtr, rows.trc[t], pendCells, pend, opt.Regression)
			pend, pendCells = nil, nil
			C := rows.counts[t]
			var changed bool
			if len(term.nb) == 1 {
				var r *rand.Rand
				if round <= opt.SmoothingRounds {
					r = rng
				}
				changed = fitTree1D(G[:sz], H[:sz], C, delta[:sz], opt, r)
			} else {
				changed = fitTree2D(G[:sz], H[:sz], C, term.nb[0], term.nb[1], delta[:sz], opt)
			}
			if !changed {
				continue
			}
			tab := tables[t]
			for k, d := range delta[:sz] {
				tab[k] += d
			}
			addUpdate(sv, rows.vac[t], delta)
			pend, pendCells = pendBuf[:sz], rows.trc[t]
			for k, d := range delta[:sz] {
				if opt.Regression {
					pend[k] = d
				} else {
					pend[k] = math.Exp(d)
				}
			}
		}
		if !hasVal {
			res.rounds = round
			if tick != nil {
				tick(round, math.NaN())
			}
			continue
		}
		l := loss(sv, rows.yva, rows.wva, opt.Regression)
		if tick != nil {
			tick(round, l)
		}
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
	if !hasVal {
		best = tables
	}
	res.tables = best
	return res, nil
}

// histogram fills G and H with the per-cell sums of the loss's gradient and
// Hessian over the bag's training rows, whose cells are cells and labels y.
// For squared loss st holds the rows' scores and pd (when not nil) an update
// to add to them first; for log loss st holds the rows' odds and pd a factor
// to multiply them by. pd is indexed by the cells pc of the term it belongs
// to. With frequency weights w (nil: none) every row's gradient and Hessian
// count w times.
func histogram(G, H, st, y, w []float64, cells, pc []uint16, pd []float64, regression bool) {
	clear(G)
	clear(H)
	n := len(st)
	y, cells = y[:n], cells[:n]
	if w != nil {
		histogramWeighted(G, H, st, y, w[:n], cells, pc, pd, regression)
		return
	}
	if regression {
		if pd != nil {
			addUpdate(st, pc, pd)
		}
		for k, s := range st {
			c := cells[k]
			G[c] += s - y[k]
			H[c]++
		}
		return
	}
	if pd != nil {
		pc = pc[:n]
		for k := range st {
			st[k] = clampOdds(st[k] * pd[pc[k]])
		}
	}
	for k, e := range st {
		p := e / (1 + e)
		c := cells[k]
		G[c] += p - y[k]
		H[c] += hessFloor(p * (1 - p))
	}
}

// histogramWeighted is histogram with frequency weights w (G and H cleared).
func histogramWeighted(G, H, st, y, w []float64, cells, pc []uint16, pd []float64, regression bool) {
	if regression {
		if pd != nil {
			addUpdate(st, pc, pd)
		}
		for k, s := range st {
			c := cells[k]
			G[c] += w[k] * (s - y[k])
			H[c] += w[k]
		}
		return
	}
	if pd != nil {
		pc = pc[:len(st)]
		for k := range st {
			st[k] = clampOdds(st[k] * pd[pc[k]])
		}
	}
	for k, e := range st {
		p := e / (1 + e)
		c := cells[k]
		G[c] += w[k] * (p - y[k])
		H[c] += w[k] * hessFloor(p*(1-p))
	}
}

// clampOdds keeps odds within [1e-300, 1e300] (scores within about ±690), so
// they neither overflow nor stick at zero.
func clampOdds(e float64) float64 {
	if e > 1e300 {
		return 1e300
	}
	if e < 1e-300 {
		return 1e-300
	}
	return e
}

// addUpdate adds a term's per-cell update to the scores of the rows whose
// cells are cells.
func addUpdate(scores []float64, cells []uint16, delta []float64) {
	cells = cells[:len(scores)]
	for k, c := range cells {
		scores[k] += delta[c]
	}
}

// gradHess returns the gradient and Hessian of the loss with respect to the
// score: log loss (p − y, p(1 − p)) or half squared error (s − y, 1).
func gradHess(s, y float64, regression bool) (float64, float64) {
	if regression {
		return s - y, 1
	}
	p := 1 / (1 + math.Exp(-s))
	return p - y, hessFloor(p * (1 - p))
}

// hessFloor keeps a log-loss Hessian p(1 − p) at least 1e-16, so Newton
// steps stay finite where the model is certain (math.Max without its NaN and
// signed-zero cases, which p(1 − p) ∈ [0, ¼] never meets, and inlined).
func hessFloor(h float64) float64 {
	if h < 1e-16 {
		return 1e-16
	}
	return h
}

// loss is the mean log loss or mean squared error of scores against y,
// weighted by the frequency weights w (nil: none).
func loss(scores, y, w []float64, regression bool) float64 {
	s, sw := 0.0, 0.0
	for k, z := range scores {
		var l float64
		if regression {
			d := z - y[k]
			l = d * d
		} else {
			// log(1+e^z) − y·z, computed stably.
			l = softplus(z) - y[k]*z
		}
		if w != nil {
			s += w[k] * l
			sw += w[k]
		} else {
			s += l
		}
	}
	if w != nil {
		return s / sw
	}
	return s / float64(len(scores))
}

func softplus(z float64) float64 {
	if z > 0 {
		return z + math.Log1p(math.Exp(-z))
	}
	return math.Log1p(math.Exp(z))
}
