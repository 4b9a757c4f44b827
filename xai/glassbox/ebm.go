package glassbox

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"

	"genxai/xai/progress"
)

// EBMOptions configures FitEBM. Zero values take the defaults in brackets,
// chosen in the spirit of InterpretML's ExplainableBoostingClassifier.
type EBMOptions struct {
	// Regression selects squared loss; otherwise the label is a binary class
	// (0/1) and the loss is log loss.
	Regression bool
	// MaxBins bounds the quantile bins per feature for main effects [256].
	MaxBins int
	// MaxInteractionBins bounds the bins per feature inside a pair term [32;
	// at most 254].
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
	// Levels names the categories of the categorical features (indexed by
	// feature; nil entries for the others): code v is Levels[j][v]. Only
	// labels depend on it.
	Levels [][]string `json:"-"`
	// Weights are frequency weights, one per training row (nil: every row
	// counts once): gradients, Hessians, leaf sizes, the base rate, the
	// validation loss and the centring of the terms count row i Weights[i]
	// times. The FAST ranking of pairs ignores them.
	Weights []float64 `json:"-"`
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
	// A pair's cells (missing bin included) are numbered in 16 bits.
	o.MaxInteractionBins = min(o.MaxInteractionBins, 254)
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
// missing value: it falls into the feature's own missing bin); y holds 0/1
// classes (classification) or real targets (regression); classes optionally
// names the two classes. It is FitEBMContext without cancellation or
// progress.
func FitEBM(x, y []float64, features []string, classes []string, opt EBMOptions) (*EBM, error) {
	return FitEBMContext(context.Background(), x, y, features, classes, opt, nil)
}

// FitEBMContext fits an EBM like FitEBM, reporting the boosting rounds of the
// outer bags on meter (nil: silent) and stopping when ctx is cancelled, with
// a *progress.Interrupted that unwraps to ctx.Err(). The bags are boosted in
// parallel on opt.Workers goroutines; each draws from its own generator,
// seeded from opt.Seed and its index, and the results are combined in bag
// order, so the model does not depend on the number of goroutines.
func FitEBMContext(ctx context.Context, x, y []float64, features []string, classes []string, opt EBMOptions, meter *progress.Meter) (*EBM, error) {
	opt.defaults()
	m, err := checkEBMInput(x, y, features, classes, opt)
	if err != nil {
		return nil, err
	}
	p, n := len(features), len(y)
	cat := map[int]bool{}
	for _, j := range opt.Categorical {
		cat[j] = true
	}

	// Bin every feature once; boosting then works on small integer codes.
	m.Bins = make([]Binning, p)
	binned := binColumns(x, p, n, m.Bins, min(opt.MaxBins, 65000), cat)
	for j, l := range opt.Levels {
		if l != nil && j < p {
			m.Bins[j].Levels = l
		}
	}

	bags := makeBags(y, opt)
	mainTerms := make([]boostTerm, p)
	for j := 0; j < p; j++ {
		mainTerms[j] = boostTerm{feats: []int{j}, nb: []int{m.Bins[j].NumBins()}, cells: binned[j]}
	}
	results, err := boostStage(ctx, stage{"main effects", 1000, mainTerms}, y, bags, opt, meter, nil)
	if err != nil {
		return nil, err
	}

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
		coarse := binColumns(x, p, n, m.PairBins, opt.MaxInteractionBins, cat)
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
			na, nb := m.PairBins[a].NumBins(), m.PairBins[b].NumBins()
			cells := make([]uint16, n)
			for i := range cells {
				cells[i] = uint16(int(coarse[a][i])*nb + int(coarse[b][i]))
			}
			pairs = append(pairs, boostTerm{feats: []int{a, b}, nb: []int{na, nb}, cells: cells})
		}
		if len(pairs) > 0 {
			// Each bag continues from its own main-effect model.
			presults, err := boostStage(ctx, stage{"pairs", 2000, pairs}, y, bags, opt, meter, func(b int) []float64 {
				start := make([]float64, n)
				for i := range start {
					start[i] = results[b].intercept
					for j := 0; j < p; j++ {
						start[i] += results[b].tables[j][binned[j][i]]
					}
				}
				return start
			})
			if err != nil {
				return nil, err
			}
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
	meter.Finish()
	m.finishTerms(append(mainTerms, pairs...), tables, intercept, opt.Weights, n)
	return m, nil
}

// stage is one boosting stage: its name for progress lines, the stream
// offset of its bags' generators, and its terms.
type stage struct {
	name   string
	stream uint64
	terms  []boostTerm
}

// boostStage boosts st's terms on every bag in parallel, bag b drawing from
// the generator (opt.Seed, st.stream+b) and starting from start(b) (nil:
// from the base rate), reporting on meter. A cancelled ctx gives a
// *progress.Interrupted.
func boostStage(ctx context.Context, st stage, y []float64, bags []bag, opt EBMOptions, meter *progress.Meter, start func(b int) []float64) ([]bagResult, error) {
	results := make([]bagResult, len(bags))
	track := newBagTracker(meter, st.name, len(bags), opt.MaxRounds)
	err := runBags(bags, opt.Workers, func(b int) error {
		var s0 []float64
		if start != nil {
			s0 = start(b)
		}
		rng := rand.New(rand.NewPCG(opt.Seed, st.stream+uint64(b)))
		var err error
		results[b], err = boostBag(ctx, st.terms, y, bags[b], s0, opt, rng, track.tick(b))
		if err == nil {
			track.finish(b)
		}
		return err
	})
	if err != nil {
		return nil, &progress.Interrupted{Task: "EBM", Done: track.state(), Err: err}
	}
	return results, nil
}

// checkEBMInput validates FitEBM's arguments and returns the model skeleton
// (features, classes, options).
func checkEBMInput(x, y []float64, features []string, classes []string, opt EBMOptions) (*EBM, error) {
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
	for _, j := range opt.Categorical {
		if j < 0 || j >= p {
			return nil, fmt.Errorf("EBM: categorical feature index %d out of range [0,%d)", j, p)
		}
	}
	if opt.Weights != nil {
		if len(opt.Weights) != n {
			return nil, fmt.Errorf("EBM: %d frequency weights for %d rows", len(opt.Weights), n)
		}
		for i, v := range opt.Weights {
			if !(v >= 0) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("EBM: row %d has frequency weight %v; weights must be finite and ≥ 0", i, v)
			}
		}
	}
	m := &EBM{Features: append([]string(nil), features...), Regression: opt.Regression, Options: opt}
	if opt.Regression {
		return m, nil
	}
	if classes == nil {
		classes = []string{"0", "1"}
	}
	if len(classes) != 2 {
		return nil, fmt.Errorf("EBM: %d class names; binary classification needs 2", len(classes))
	}
	m.Classes = append([]string(nil), classes...)
	pos, neg := 0.0, 0.0
	for i, v := range y {
		w := 1.0
		if opt.Weights != nil {
			w = opt.Weights[i]
		}
		pos += w * v
		neg += w * (1 - v)
	}
	if pos == 0 || neg == 0 {
		return nil, fmt.Errorf("EBM: all %d training rows are class %v; both classes are needed", n, y[0])
	}
	return m, nil
}

// binColumns fills bins with the quantile binning of every column of the
// row-major x (p columns, n rows) and returns each column's bin codes.
func binColumns(x []float64, p, n int, bins []Binning, maxBins int, cat map[int]bool) [][]uint16 {
	col := make([]float64, n)
	codes := make([][]uint16, p)
	for j := 0; j < p; j++ {
		for i := 0; i < n; i++ {
			col[i] = x[i*p+j]
		}
		bins[j] = QuantileBinning(col, maxBins, cat[j])
		codes[j] = make([]uint16, n)
		for i := 0; i < n; i++ {
			codes[j][i] = uint16(bins[j].Bin(col[i]))
		}
	}
	return codes
}

// finishTerms averages the bags' tables of every term, centres each term on
// the training rows (moving the means into the intercept), measures the
// spread across bags and the importance, and stores the terms in m.
func (m *EBM) finishTerms(all []boostTerm, tables [][][]float64, intercept float64, weights []float64, n int) {
	m.Intercept = intercept
	total := float64(n)
	if weights != nil {
		total = 0
		for _, v := range weights {
			total += v
		}
	}
	for t, bt := range all {
		nb := len(tables[t][0])
		w := make([]float64, nb)
		for i, c := range bt.cells {
			if weights != nil {
				w[c] += weights[i]
			} else {
				w[c]++
			}
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
		noMissing := len(bt.feats) == 1 && w[0] == 0
		if noMissing {
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
					if noMissing && k == 0 {
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
		term := Term{Features: bt.feats, Scores: avg, StdDev: sd, Importance: imp / total}
		if len(bt.feats) == 1 {
			term.Name = m.Features[bt.feats[0]]
		} else {
			term.Name = m.Features[bt.feats[0]] + " × " + m.Features[bt.feats[1]]
		}
		m.Terms = append(m.Terms, term)
	}
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
