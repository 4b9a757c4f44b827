// Package compare pits generative classifiers against discriminative ones
// on the same data and the same training-set sizes, the experiment of Ng
// and Jordan, "On Discriminative vs. Generative Classifiers: A comparison
// of logistic regression and naive Bayes" (NIPS 2002). Their analysis
// predicts that the generative model approaches its (higher) asymptotic
// error faster, in O(log d) examples against O(d) for the discriminative
// one, so the generative model wins with few training rows and the
// discriminative one with many: a crossover of the learning curves.
//
// For every training size (rows per class, plus the whole training pool)
// and every seed, one training subset is drawn; every model is fitted on
// that same subset (columns constant in it dropped, the rest optionally
// z-scored with its statistics) and scored on the same untouched test set.
// The generative models are Gaussian naive Bayes, one Gaussian mixture per
// class (package xai/gmm) and a class-conditional VAE scored by its
// importance-weighted ELBO (CVAEClassifier), each used through Bayes' rule; the discriminative
// ones are ridge logistic regression (package xai/glassbox) and linear and
// RBF C-SVMs (package xai/svm). Which family wins at a size is decided by a
// paired t-test over the seeds between the best model of each family.
package compare

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"slices"
	"strconv"
	"strings"
	"time"

	"genxai/train"
	"genxai/xai/augment"
	"genxai/xai/progress"
)

// Size is one training-set size of a study.
type Size struct {
	// PerClass is the number of rows drawn from each class; 0 for the
	// whole pool.
	PerClass int
	// Rows is the number of training rows in total.
	Rows int
	// Label names the size in tables: the rows per class, or "all".
	Label string
}

// Trial is one fitted and scored model.
type Trial struct {
	Size     string  `json:"size"`
	Rows     int     `json:"train_rows"`
	Rep      int     `json:"repetition"`
	Seed     int64   `json:"seed"`
	Model    string  `json:"model"`
	Family   string  `json:"family"`
	Features int     `json:"features"`
	Accuracy float64 `json:"accuracy"`
	Seconds  float64 `json:"seconds"`
	Detail   string  `json:"detail,omitempty"`
}

// Study is a comparison ready to run: its data loaded and its sizes fixed.
type Study struct {
	// Settings are the study's settings.
	Settings Settings
	// Data is the loaded data set.
	Data *augment.Dataset
	// Sizes are the training sizes that fit the pool, smallest first.
	Sizes []Size
	// Skipped are the sizes of Settings.Sizes larger than the smallest class.
	Skipped []int
	// Device is where the class-conditional VAE trains (cpu or cuda; cpu
	// when the models hold none), and DeviceWhy says why.
	Device, DeviceWhy string

	byClass [][]int
	pca     *augment.PCA
	testX   []float64 // the test rows in the study's feature space (before per-subset scaling)
	dim     int
}

// Open loads the data (augment.LoadDataset), fits the pool PCA of features
// pca and works out the sizes: those above the smallest class of the pool
// are skipped, and the whole pool (capped at MaxPerClass rows per class)
// is added with AllRows unless it equals the largest size kept. It fails,
// naming the setting, when the data cannot be loaded, when no size fits or
// when PCA asks for more components than the data has.
func Open(s Settings) (*Study, error) {
	if !strings.HasPrefix(s.Data, "builtin:") && strings.HasSuffix(strings.ToLower(s.Data), ".csv") && s.Label == "" {
		return nil, fmt.Errorf("data %s is a CSV file, so label must name its label column", s.Data)
	}
	ds, err := augment.LoadDataset(s.dataSettings())
	if err != nil {
		return nil, err
	}
	st := &Study{Settings: s, Data: ds, byClass: ds.PoolByClass(), dim: ds.D, Device: "cpu", DeviceWhy: "no model of the study runs a network"}
	if slices.Contains(s.Models, "cvae") {
		if st.Device, st.DeviceWhy, err = train.ResolveDevice(s.CVAE.Device, cvaeExecutor); err != nil {
			return nil, err
		}
		st.Settings.CVAE.Device = st.Device
	}
	smallest := ds.PoolN
	for _, idx := range st.byClass {
		smallest = min(smallest, len(idx))
	}
	for _, n := range s.Sizes {
		if n > smallest {
			st.Skipped = append(st.Skipped, n)
			continue
		}
		st.Sizes = append(st.Sizes, Size{PerClass: n, Rows: n * ds.Classes, Label: strconv.Itoa(n)})
	}
	if s.AllRows {
		all := Size{Label: "all"}
		for _, idx := range st.byClass {
			all.Rows += capped(len(idx), s.MaxPerClass)
		}
		if last := len(st.Sizes) - 1; last < 0 || st.Sizes[last].Rows < all.Rows {
			st.Sizes = append(st.Sizes, all)
		}
	}
	if len(st.Sizes) == 0 {
		return nil, fmt.Errorf("sizes %v: every size is above the smallest class of %s (%d rows); use sizes up to %d or all_rows: true", s.Sizes, ds.Name, smallest, smallest)
	}
	for _, n := range st.Sizes {
		if n.PerClass > 0 && n.PerClass < 2 && slices.Contains(s.Models, "gmm") {
			return nil, fmt.Errorf("sizes: a per-class mixture (model gmm) needs at least 2 rows per class, not %d", n.PerClass)
		}
	}
	st.testX = ds.TestX
	if s.Features == "pca" {
		if s.PCAComponents > ds.D {
			return nil, fmt.Errorf("pca_components %d: %s has only %d features; use at most %d or features: raw", s.PCAComponents, ds.Name, ds.D, ds.D)
		}
		rows := permutation(ds.PoolN, s.Seed, 0)
		if s.PCAPoolRows > 0 && len(rows) > s.PCAPoolRows {
			rows = rows[:s.PCAPoolRows]
		}
		slices.Sort(rows)
		if st.pca, err = augment.FitPCA(ds.PoolRows(rows), len(rows), ds.D, s.PCAComponents); err != nil {
			return nil, fmt.Errorf("pca_components %d: fitting on %d pool rows of %s: %w", s.PCAComponents, len(rows), ds.Name, err)
		}
		st.testX, st.dim = st.pca.Transform(ds.TestX, ds.TestN), st.pca.K
	}
	return st, nil
}

// capped is n, or limit when limit is positive and smaller.
func capped(n, limit int) int {
	if limit > 0 && n > limit {
		return limit
	}
	return n
}

// permutation is a seeded permutation of 0..n−1.
func permutation(n int, seed int64, stream int64) []int {
	return rand.New(rand.NewSource(seed*1_000_003 + stream)).Perm(n)
}

// Run fits every model on every (size, repetition) subset and scores it,
// reporting progress on meter (nil: silent). Ctrl-C (ctx cancelled) stops
// it between fits with a *progress.Interrupted. Errors name the size,
// repetition and model.
func (st *Study) Run(ctx context.Context, meter *progress.Meter) (*Results, error) {
	start := time.Now()
	s := st.Settings
	total := int64(len(st.Sizes) * s.Seeds * len(s.Models))
	var done int64
	res := &Results{Settings: s, Dataset: st.Data.Name, Classes: st.Data.ClassNames, PoolRows: st.Data.PoolN,
		TestRows: st.Data.TestN, Features: st.dim, Sizes: st.Sizes, Skipped: st.Skipped, Device: st.Device, DeviceWhy: st.DeviceWhy}
	for si, size := range st.Sizes {
		for rep := 0; rep < s.Seeds; rep++ {
			seed := s.Seed + int64(rep)
			X, y, testX := st.subset(size, seed, int64(si))
			d := len(X) / len(y)
			for mi, name := range s.Models {
				if err := progress.Check(ctx, "compare", fmt.Sprintf("%d of %d fits", done, total)); err != nil {
					return nil, err
				}
				if rep > 0 && st.Fixed(size) && !seeded(name) {
					// The same rows as repetition 0 and a model without
					// randomness: the same fit, not repeated.
					t := res.Trials[(si*s.Seeds)*len(s.Models)+mi] // repetition 0's fit
					t.Rep, t.Seed, t.Detail = rep, seed, "as repetition 0 (same rows, deterministic fit)"
					res.Trials = append(res.Trials, t)
					done++
					continue
				}
				t0 := time.Now()
				f, err := fitModel(name, X, len(y), d, y, st.Data.Classes, s, seed)
				if err != nil {
					return nil, fmt.Errorf("size %s, repetition %d (seed %d), model %s: %w", size.Label, rep, seed, name, err)
				}
				pred, err := f.Predict(testX, st.Data.TestN)
				if f.Close != nil {
					f.Close()
				}
				if err != nil {
					return nil, fmt.Errorf("size %s, repetition %d (seed %d), model %s: predicting the test rows: %w", size.Label, rep, seed, name, err)
				}
				acc := accuracy(pred, st.Data.TestY)
				res.Trials = append(res.Trials, Trial{Size: size.Label, Rows: len(y), Rep: rep, Seed: seed, Model: name,
					Family: family(name), Features: d, Accuracy: acc, Seconds: time.Since(t0).Seconds(), Detail: f.Detail})
				done++
				meter.Report(done, total, "fits", fmt.Sprintf("size %s rep %d %s accuracy %.4f", size.Label, rep, name, acc), false)
			}
		}
	}
	meter.Finish()
	res.fixed = map[string]bool{}
	for _, size := range st.Sizes {
		res.fixed[size.Label] = st.Fixed(size)
	}
	res.aggregate()
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// Fixed reports whether every seed draws the same rows at size: the whole
// pool with no class capped below its rows.
func (st *Study) Fixed(size Size) bool {
	if size.PerClass > 0 {
		return false
	}
	for _, rows := range st.byClass {
		if capped(len(rows), st.Settings.MaxPerClass) < len(rows) {
			return false
		}
	}
	return true
}

// subset draws the training rows of one (size, seed): PerClass rows of
// each class uniformly without replacement, or the whole pool (each class
// capped at MaxPerClass rows, drawn the same way). It maps them and the test
// rows to the study's features, drops the columns constant on the subset
// and, with Standardize, z-scores both with the subset's statistics. It
// returns the training rows, their classes and the test rows.
func (st *Study) subset(size Size, seed, stream int64) (X []float64, y []int, testX []float64) {
	s, ds := st.Settings, st.Data
	var idx []int
	for c, rows := range st.byClass {
		n := size.PerClass
		if n == 0 {
			n = capped(len(rows), s.MaxPerClass)
		}
		pick := rows
		if n < len(rows) {
			perm := permutation(len(rows), seed, 1+stream*1000+int64(c))[:n]
			slices.Sort(perm)
			pick = make([]int, n)
			for i, p := range perm {
				pick[i] = rows[p]
			}
		}
		for _, i := range pick {
			idx = append(idx, i)
			y = append(y, c)
		}
	}
	X = ds.PoolRows(idx)
	if st.pca != nil {
		X = st.pca.Transform(X, len(idx))
	}
	keep := varyingColumns(X, len(idx), st.dim)
	X = selectColumns(X, st.dim, keep)
	testX = selectColumns(st.testX, st.dim, keep)
	if s.Standardize {
		sc := augment.FitScaler(X, len(idx), len(keep))
		sc.Apply(X)
		sc.Apply(testX)
	}
	return X, y, testX
}

// varyingColumns returns the columns of the n×d rows X that take more than
// one value.
func varyingColumns(X []float64, n, d int) []int {
	var keep []int
	for j := 0; j < d; j++ {
		for i := 1; i < n; i++ {
			if X[i*d+j] != X[j] {
				keep = append(keep, j)
				break
			}
		}
	}
	return keep
}

// selectColumns returns a copy of the rows of X (d columns each) holding
// only the columns keep.
func selectColumns(X []float64, d int, keep []int) []float64 {
	n := len(X) / d
	out := make([]float64, 0, n*len(keep))
	for i := 0; i < n; i++ {
		for _, j := range keep {
			out = append(out, X[i*d+j])
		}
	}
	return out
}

// accuracy is the share of predictions equal to the truth.
func accuracy(pred, truth []int) float64 {
	ok := 0
	for i, p := range pred {
		if p == truth[i] {
			ok++
		}
	}
	return float64(ok) / float64(len(truth))
}

// Describe writes one line about the loaded study to w.
func (st *Study) Describe(w io.Writer) {
	labels := make([]string, len(st.Sizes))
	for i, s := range st.Sizes {
		labels[i] = s.Label
	}
	fmt.Fprintf(w, "compare: %s, %d classes, pool %d rows, test %d rows, %d features; sizes per class %v × %d seeds × models %v\n",
		st.Data.Name, st.Data.Classes, st.Data.PoolN, st.Data.TestN, st.dim, labels, st.Settings.Seeds, st.Settings.Models)
	if len(st.Skipped) > 0 {
		fmt.Fprintf(w, "compare: sizes %v left out: above the smallest class of the pool\n", st.Skipped)
	}
	if slices.Contains(st.Settings.Models, "cvae") {
		fmt.Fprintf(w, "compare: the class-conditional VAE runs on %s (%s)\n", st.Device, st.DeviceWhy)
	}
}
