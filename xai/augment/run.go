// Package augment measures whether synthetic data from a generative model
// helps a support vector machine trained on few real labelled examples.
//
// For every size n of the real labelled subset (per class) and every seed,
// the pipeline draws n real rows per class from the training pool, fits a
// generator on them (one Gaussian mixture per class, its number of
// components chosen by BIC; a class-conditional GAN plugs in through the
// Generator interface), and for every synthetic-to-real ratio r trains an
// SVM on the real rows plus round(r·n) synthetic rows per class. Each SVM is
// scored on the same untouched real test set. Ratio 0 is the baseline; each
// augmented setting is compared with it by a paired t-test over the seeds
// (the pairs share the real subset), which gives the verdict "helps",
// "does not help" (significantly worse) or "within noise".
//
// This is the data-augmentation study design of, e.g., Shorten and
// Khoshgoftaar, "A survey on Image Data Augmentation for Deep Learning"
// (J. Big Data, 2019) §"GAN-based augmentation", applied to classical models.
package augment

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"time"

	"genxai/data"
	"genxai/xai/gmm"
	"genxai/xai/svm"
)

// Progress reports one finished step of a run.
type Progress struct {
	// Done and Total count the fitted models (one per class mixture and one
	// per SVM).
	Done, Total int
	// Msg says what was just fitted and how it did.
	Msg string
}

// Options carries the caller's hooks; every field may be nil.
type Options struct {
	// Progress is called after every fitted model.
	Progress func(Progress)
	// Log receives one record per evaluated SVM (for metrics.jsonl).
	Log func(map[string]any) error
}

// Trial is one evaluated SVM.
type Trial struct {
	N          int     `json:"n_per_class"`
	Rep        int     `json:"repetition"`
	Seed       int64   `json:"seed"`
	Ratio      float64 `json:"ratio"`
	Synthetic  int     `json:"synthetic_per_class"`
	TrainRows  int     `json:"train_rows"`
	Accuracy   float64 `json:"accuracy"`
	Components []int   `json:"gmm_components,omitempty"`
	Seconds    float64 `json:"seconds"`
}

// Cell aggregates the trials of one (n, ratio) over the seeds.
type Cell struct {
	N         int
	Ratio     float64
	Synthetic int
	// Accs holds the accuracy of each repetition, in repetition order.
	Accs     []float64
	Mean, SD float64
	// Delta is the mean paired difference to the baseline (ratio 0) of
	// the same n; DeltaSD its standard deviation over repetitions; T and P
	// the paired t statistic and two-sided p-value. All zero for the
	// baseline itself.
	Delta, DeltaSD, T, P float64
	// Verdict is "baseline", "helps", "does not help" or "within noise".
	Verdict string
}

// Results is everything a run measured.
type Results struct {
	Settings   Settings
	Dataset    string
	Classes    []string
	PoolRows   int
	TestRows   int
	RawDim     int
	FeatureDim int
	Trials     []Trial
	Cells      []Cell
	Seconds    float64
}

// Run executes the augmentation study described by s. It loads the data,
// then for each n in s.NPerClass and each of s.Seeds repetitions fits the
// generator and one SVM per ratio. Errors name the config key involved.
func Run(s Settings, opt Options) (*Results, error) {
	start := time.Now()
	if err := s.check(); err != nil {
		return nil, err
	}
	if s.FeatureKind == "classifier" {
		return nil, classifierFeatures(s.ClassifierRun)
	}
	if s.GeneratorKind == "gan" {
		if _, err := OpenGANGenerator(s.GANRun); err != nil {
			return nil, err
		}
	}
	if s.GeneratorKind != "gmm" {
		return nil, fmt.Errorf("augment: generator.kind %q is not known; use gmm or gan", s.GeneratorKind)
	}
	ds, err := LoadDataset(s)
	if err != nil {
		return nil, err
	}
	byClass := ds.PoolByClass()
	for _, n := range s.NPerClass {
		for c, idx := range byClass {
			if len(idx) < n {
				return nil, fmt.Errorf("real.n_per_class %d: class %q has only %d rows in the training pool of %s; use at most %d", n, ds.ClassNames[c], len(idx), ds.Name, len(idx))
			}
		}
	}
	var poolPCA *PCA
	if s.FeatureKind == "pca" && s.PCAFit == "pool" {
		rows := data.Permutation(ds.PoolN, s.Seed, 1)
		if s.PCAPoolRows > 0 && len(rows) > s.PCAPoolRows {
			rows = rows[:s.PCAPoolRows]
		}
		slices.Sort(rows)
		poolPCA, err = FitPCA(ds.PoolRows(rows), len(rows), ds.D, s.PCAComponents)
		if err != nil {
			return nil, fmt.Errorf("features.pca_components: fitting on %d pool rows: %w", len(rows), err)
		}
	}
	res := &Results{Settings: s, Dataset: ds.Name, Classes: ds.ClassNames, PoolRows: ds.PoolN, TestRows: ds.TestN, RawDim: ds.D}
	total := len(s.NPerClass) * s.Seeds * (ds.Classes + len(s.Ratios))
	done := 0
	report := func(msg string, steps int) {
		done += steps
		if opt.Progress != nil {
			opt.Progress(Progress{Done: done, Total: total, Msg: msg})
		}
	}
	loaded := fmt.Sprintf("loaded %s: %d classes, pool %d rows, test %d rows, %d features", ds.Name, ds.Classes, ds.PoolN, ds.TestN, ds.D)
	if poolPCA != nil {
		loaded += fmt.Sprintf("; PCA to %d dimensions fitted on the pool", poolPCA.K)
	}
	report(loaded+fmt.Sprintf(" (%.1fs)", time.Since(start).Seconds()), 0)
	for _, n := range s.NPerClass {
		for rep := 0; rep < s.Seeds; rep++ {
			seed := s.Seed + int64(rep)
			trials, err := runOne(ds, byClass, poolPCA, s, n, rep, seed, report, opt.Log)
			if err != nil {
				return nil, fmt.Errorf("n_per_class %d, repetition %d (seed %d): %w", n, rep, seed, err)
			}
			if res.FeatureDim == 0 && len(trials) > 0 {
				res.FeatureDim = trials[0].featureDim
			}
			for _, t := range trials {
				res.Trials = append(res.Trials, t.Trial)
			}
		}
	}
	res.Cells = aggregate(res.Trials, s.NPerClass, s.Ratios, s.Seeds, s.Alpha)
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

type trialOut struct {
	Trial
	featureDim int
}

// streamSeed derives an independent seed for one purpose of one (n, rep).
func streamSeed(seed int64, n int, purpose uint64) int64 {
	z := uint64(seed)*0x9E3779B97F4A7C15 ^ uint64(n)*0xBF58476D1CE4E5B9 ^ purpose*0x94D049BB133111EB
	z ^= z >> 31
	z *= 0xD6E8FEB86659FD93
	z ^= z >> 32
	return int64(z >> 1)
}

// runOne does one repetition for one subset size: draw the real subset, fit
// the features and the generator, then train and score an SVM per ratio.
func runOne(ds *Dataset, byClass [][]int, poolPCA *PCA, s Settings, n, rep int, seed int64,
	report func(string, int), logf func(map[string]any) error) ([]trialOut, error) {
	k := ds.Classes
	// The real labelled subset: n rows per class, uniformly without replacement.
	pick := rand.New(rand.NewSource(streamSeed(seed, n, 1)))
	var realIdx []int
	var realY []int
	for c, idx := range byClass {
		perm := pick.Perm(len(idx))[:n]
		for _, p := range perm {
			realIdx = append(realIdx, idx[p])
			realY = append(realY, c)
		}
	}
	nReal := len(realIdx)
	rawReal := ds.PoolRows(realIdx)

	fm := &featureMap{pca: poolPCA, dim: ds.D}
	if s.FeatureKind == "pca" && s.PCAFit == "labelled" {
		p, err := FitPCA(rawReal, nReal, ds.D, s.PCAComponents)
		if err != nil {
			return nil, fmt.Errorf("features.pca_components with features.pca_fit labelled: %w", err)
		}
		fm.pca = p
	}
	if fm.pca != nil {
		fm.dim = fm.pca.K
	}
	if s.Standardize {
		fm.scaler = FitScaler(fm.forward(rawReal, nReal), nReal, fm.dim)
	}
	d := fm.dim
	Xreal := fm.forward(rawReal, nReal)
	Xtest := fm.forward(ds.TestX, ds.TestN)
	var clip *clipper
	if s.Clip {
		if ds.Images {
			clip = pixelClipper(ds.D)
		} else {
			clip = rangeClipper(rawReal, nReal, ds.D)
		}
	}

	t0 := time.Now()
	gen, err := FitGMMGenerator(Xreal, nReal, d, realY, k, s.GMMComponents, gmm.Params{
		Covariance: s.GMMCovariance, RegCovar: regOrZero(s.GMMRegCovar), NInit: s.GMMNInit,
		MaxIter: s.GMMMaxIter, Seed: streamSeed(seed, n, 2),
	})
	if err != nil {
		return nil, fmt.Errorf("generator: %w", err)
	}
	comps := gen.Components()
	report(fmt.Sprintf("n=%d rep=%d: %d class mixtures in %.1fs, components by BIC %v", n, rep, k, time.Since(t0).Seconds(), comps), k)

	var out []trialOut
	for ri, r := range s.Ratios {
		t1 := time.Now()
		m := int(math.Round(r * float64(n)))
		X := append([]float64(nil), Xreal...)
		y := append([]int(nil), realY...)
		if m > 0 {
			rng := rand.New(rand.NewSource(streamSeed(seed, n, 100+uint64(ri))))
			for c := 0; c < k; c++ {
				syn, err := gen.Sample(c, m, rng)
				if err != nil {
					return nil, fmt.Errorf("generator: %w", err)
				}
				if clip != nil {
					raw := fm.backward(syn, m)
					clip.apply(raw)
					syn = fm.forward(raw, m)
				}
				X = append(X, syn...)
				for i := 0; i < m; i++ {
					y = append(y, c)
				}
			}
		}
		rows := len(y)
		p := svm.DefaultParams()
		p.Kernel, p.C, p.Gamma, p.Standardize = s.SVMKernel, s.SVMC, s.SVMGamma, s.SVMStandardize
		p.Seed = seed
		model, err := svm.Fit(X, rows, d, y, p)
		if err != nil {
			return nil, fmt.Errorf("SVM at ratio %v: %w", r, err)
		}
		pred := model.Predict(Xtest, ds.TestN)
		correct := 0
		for i, v := range pred {
			if v == ds.TestY[i] {
				correct++
			}
		}
		acc := float64(correct) / float64(ds.TestN)
		tr := trialOut{Trial: Trial{N: n, Rep: rep, Seed: seed, Ratio: r, Synthetic: m, TrainRows: rows,
			Accuracy: acc, Components: comps, Seconds: time.Since(t1).Seconds()}, featureDim: d}
		out = append(out, tr)
		if logf != nil {
			if err := logf(map[string]any{"n_per_class": n, "repetition": rep, "seed": seed, "ratio": r,
				"synthetic_per_class": m, "train_rows": rows, "accuracy": acc, "gmm_components": comps,
				"support_vectors": model.NSupport(), "seconds": tr.Seconds}); err != nil {
				return nil, err
			}
		}
		report(fmt.Sprintf("n=%d rep=%d ratio=%g: SVM on %d rows, test accuracy %.4f (%.1fs)", n, rep, r, rows, acc, tr.Seconds), 1)
	}
	return out, nil
}

// regOrZero maps a config reg_covar (where 0 means zero) to gmm.Params
// (where 0 means the default and a negative value means zero).
func regOrZero(r float64) float64 {
	if r == 0 {
		return -1
	}
	return r
}
