// Package augment measures whether synthetic data from a generative model
// helps a support vector machine trained on few real labelled examples.
//
// For every size n of the real labelled subset (per class) and every seed,
// the pipeline draws n real rows per class from the training pool, maps
// them to features (raw columns or pixels, principal components, or the
// penultimate-layer embedding of a trained classifier), takes a generator
// (one Gaussian mixture per class fitted on those rows, its number of
// components chosen by BIC; or a trained class-conditional GAN, whose images
// are mapped through the same features), and for every synthetic-to-real
// ratio r trains an SVM on the real rows plus round(r·n) synthetic rows per
// class. Each SVM is
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
	"strings"
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
	// Agreement is, for a GAN generator with classifier features, the
	// share of this trial's synthetic images that the classifier assigns to
	// the class they were generated for; nil otherwise.
	Agreement *float64 `json:"synthetic_agreement,omitempty"`
	Seconds   float64  `json:"seconds"`
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
	// GANArch and GANLatent describe the GAN of generator.kind gan.
	GANArch   string
	GANLatent int
	// EmbeddingDim is the width of the classifier embedding of
	// features.kind classifier (0 otherwise).
	EmbeddingDim int
	// Warnings are the study's warnings (Study.Warnings).
	Warnings []string
	// Device is where the study's networks ran: the GAN's and the
	// classifier's device, cpu when it runs none (GMMs and SVMs are
	// host code).
	Device  string
	Trials  []Trial
	Cells   []Cell
	Seconds float64
}

// Study is an augmentation study ready to run: its settings checked, its
// data loaded and the trained models it names opened and checked against the
// data. Open builds one; Run executes it; Close releases the models.
type Study struct {
	// Settings are the study's settings.
	Settings Settings
	// Data is the loaded data set.
	Data *Dataset
	// GAN is the generator of generator.kind gan, nil otherwise.
	GAN *GANGenerator
	// Embedder is the classifier of features.kind classifier, nil otherwise.
	Embedder *Embedder
	// Warnings says what is questionable but allowed, e.g. a model whose
	// training did not finish.
	Warnings []string

	byClass [][]int
	// capture, when set, is shown the training set of every ratio (real
	// rows first, then synthetic) before its SVM is fitted; returning true
	// ends runOne there (Export uses it to rebuild one setting's set).
	capture  func(n int, ratio float64, X []float64, y []int, nReal, d int, fm *featureMap) bool
	poolPCA  *PCA      // features.kind pca with pca_fit pool
	testEmb  []float64 // the test set's classifier embedding, computed once
	openTime time.Duration
}

// Open checks the settings, loads the data and opens the trained models,
// so that every mistake in a config (a wrong key combination, a missing or
// mismatched run directory, a subset larger than a class) is reported before
// anything is written. It fails, naming the config key, when
//   - generator.kind gan or features.kind classifier is asked of a table
//     (both need images);
//   - a run directory is missing, unfinished, holds another kind of model,
//     or (for the GAN) an unconditional one;
//   - a model was trained on images of another shape or other classes;
//   - real.n_per_class exceeds a class's rows in the pool, or PCA cannot be
//     fitted.
func Open(s Settings) (*Study, error) {
	start := time.Now()
	if err := s.check(); err != nil {
		return nil, err
	}
	src := strings.TrimSpace(s.Source)
	if !isImageSource(src) {
		if s.GeneratorKind == "gan" {
			return nil, fmt.Errorf("generator.kind gan needs an image data set (data.source %s, fashion-mnist or an IDX directory), but data.source is %q, a table; use generator.kind gmm for tables", data.BuiltinDigits, s.Source)
		}
		if s.FeatureKind == "classifier" {
			return nil, fmt.Errorf("features.kind classifier needs an image data set (data.source %s, fashion-mnist or an IDX directory), but data.source is %q, a table; use features.kind raw or pca for tables", data.BuiltinDigits, s.Source)
		}
	}
	// The trained runs first: a missing or wrong run is the likeliest
	// mistake and is found without loading the data.
	st := &Study{Settings: s}
	fail := func(err error) (*Study, error) {
		st.Close()
		return nil, err
	}
	var err error
	if s.GeneratorKind == "gan" {
		if st.GAN, err = OpenGANGenerator(s.GANRun); err != nil {
			return fail(err)
		}
	}
	if s.FeatureKind == "classifier" {
		if st.Embedder, err = OpenEmbedder(s.ClassifierRun); err != nil {
			return fail(err)
		}
	}
	if st.GAN != nil && st.GAN.Unfinished {
		st.Warnings = append(st.Warnings, fmt.Sprintf("generator.gan_run %s has no summary.json: its training did not finish, so its last checkpoint is used", s.GANRun))
	}
	if st.Embedder != nil && st.Embedder.Unfinished {
		st.Warnings = append(st.Warnings, fmt.Sprintf("features.classifier_run %s has no summary.json: its training did not finish, so its last checkpoint is used", s.ClassifierRun))
	}
	ds, err := LoadDataset(s)
	if err != nil {
		return fail(err)
	}
	st.Data, st.byClass = ds, ds.PoolByClass()
	if st.GAN != nil {
		if why := ds.Shape.matches(st.GAN.Shape); why != "" {
			return fail(fmt.Errorf("generator.gan_run %q does not fit data.source %s: %s; train the GAN on the same data", s.GANRun, ds.Name, why))
		}
	}
	if st.Embedder != nil {
		if why := ds.Shape.matches(st.Embedder.Shape); why != "" {
			return fail(fmt.Errorf("features.classifier_run %q does not fit data.source %s: %s; train the classifier on the same data", s.ClassifierRun, ds.Name, why))
		}
	}
	for _, n := range s.NPerClass {
		for c, idx := range st.byClass {
			if len(idx) < n {
				return fail(fmt.Errorf("real.n_per_class %d: class %q has only %d rows in the training pool of %s; use at most %d", n, ds.ClassNames[c], len(idx), ds.Name, len(idx)))
			}
		}
	}
	if s.FeatureKind == "pca" && s.PCAFit == "pool" {
		rows := data.Permutation(ds.PoolN, s.Seed, 1)
		if s.PCAPoolRows > 0 && len(rows) > s.PCAPoolRows {
			rows = rows[:s.PCAPoolRows]
		}
		slices.Sort(rows)
		if st.poolPCA, err = FitPCA(ds.PoolRows(rows), len(rows), ds.D, s.PCAComponents); err != nil {
			return fail(fmt.Errorf("features.pca_components: fitting on %d pool rows: %w", len(rows), err))
		}
	}
	if s.FeatureKind == "pca" && s.PCAFit == "labelled" {
		if n := s.NPerClass[0] * ds.Classes; s.PCAComponents > n-1 || s.PCAComponents > ds.D {
			return fail(fmt.Errorf("features.pca_components %d with features.pca_fit labelled: the smallest real subset (real.n_per_class %d × %d classes = %d rows in %d dimensions) supports at most %d components; use fewer components or pca_fit pool",
				s.PCAComponents, s.NPerClass[0], ds.Classes, n, ds.D, min(n-1, ds.D)))
		}
	}
	st.openTime = time.Since(start)
	return st, nil
}

// isImageSource reports whether a data.source names an image data set.
func isImageSource(src string) bool {
	return src == data.BuiltinDigits || src == "fashion-mnist" || isDir(src)
}

// Close releases the trained models.
func (st *Study) Close() error {
	var first error
	if st.GAN != nil {
		first = st.GAN.Close()
	}
	if st.Embedder != nil {
		if err := st.Embedder.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Run opens the study described by s (Open), runs it and closes it.
func Run(s Settings, opt Options) (*Results, error) {
	st, err := Open(s)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return st.Run(opt)
}

// Run executes the study: for each n in real.n_per_class and each of seeds
// repetitions it fits the features and the generator (GMMs) or prepares the
// GAN, and trains and scores one SVM per ratio. Errors name the setting and
// repetition involved.
func (st *Study) Run(opt Options) (*Results, error) {
	start := time.Now()
	s, ds := st.Settings, st.Data
	res := &Results{Settings: s, Dataset: ds.Name, Classes: ds.ClassNames, PoolRows: ds.PoolN, TestRows: ds.TestN, RawDim: ds.D, Warnings: st.Warnings}
	res.Device = "cpu"
	if st.GAN != nil {
		res.GANArch = st.GAN.Config.Arch
		res.GANLatent = st.GAN.Config.Latent
		res.Device = st.GAN.Device
	}
	if st.Embedder != nil {
		res.EmbeddingDim = st.Embedder.Dim
		res.Device = st.Embedder.Device
	}
	perRep := len(s.Ratios)
	if s.GeneratorKind == "gmm" {
		perRep += ds.Classes
	}
	total := len(s.NPerClass) * s.Seeds * perRep
	done := 0
	report := func(msg string, steps int) {
		done += steps
		if opt.Progress != nil {
			opt.Progress(Progress{Done: done, Total: total, Msg: msg})
		}
	}
	loaded := fmt.Sprintf("loaded %s: %d classes, pool %d rows, test %d rows, %d features", ds.Name, ds.Classes, ds.PoolN, ds.TestN, ds.D)
	if st.poolPCA != nil {
		loaded += fmt.Sprintf("; PCA to %d dimensions fitted on the pool", st.poolPCA.K)
	}
	if st.GAN != nil {
		loaded += fmt.Sprintf("; conditional %s GAN from %s", st.GAN.Config.Arch, st.GAN.Run)
	}
	if st.Embedder != nil {
		t0 := time.Now()
		emb, _, err := st.Embedder.Embed(ds.TestX, ds.TestN)
		if err != nil {
			return nil, fmt.Errorf("features.classifier_run: embedding the test set: %w", err)
		}
		st.testEmb = emb
		loaded += fmt.Sprintf("; %d-dimensional classifier embedding from %s (test set embedded in %.1fs)", st.Embedder.Dim, st.Embedder.Run, time.Since(t0).Seconds())
	}
	report(loaded+fmt.Sprintf(" (%.1fs)", (st.openTime+time.Since(start)).Seconds()), 0)
	for _, n := range s.NPerClass {
		for rep := 0; rep < s.Seeds; rep++ {
			seed := s.Seed + int64(rep)
			trials, err := st.runOne(n, rep, seed, report, opt.Log)
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
	res.Seconds = (st.openTime + time.Since(start)).Seconds()
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
func (st *Study) runOne(n, rep int, seed int64, report func(string, int), logf func(map[string]any) error) ([]trialOut, error) {
	s, ds := st.Settings, st.Data
	k := ds.Classes
	// The real labelled subset: n rows per class, uniformly without replacement.
	pick := rand.New(rand.NewSource(streamSeed(seed, n, 1)))
	var realIdx []int
	var realY []int
	for c, idx := range st.byClass {
		perm := pick.Perm(len(idx))[:n]
		for _, p := range perm {
			realIdx = append(realIdx, idx[p])
			realY = append(realY, c)
		}
	}
	nReal := len(realIdx)
	rawReal := ds.PoolRows(realIdx)

	fm := &featureMap{pca: st.poolPCA, embed: st.Embedder, dim: ds.D}
	if s.FeatureKind == "pca" && s.PCAFit == "labelled" {
		p, err := FitPCA(rawReal, nReal, ds.D, s.PCAComponents)
		if err != nil {
			return nil, fmt.Errorf("features.pca_components with features.pca_fit labelled: %w", err)
		}
		fm.pca = p
	}
	switch {
	case fm.embed != nil:
		fm.dim = fm.embed.Dim
	case fm.pca != nil:
		fm.dim = fm.pca.K
	}
	d := fm.dim
	// Unscaled features of the real rows; the scaler (if any) is fitted on them.
	Xreal, err := fm.features(rawReal, nReal)
	if err != nil {
		return nil, fmt.Errorf("features of the real subset: %w", err)
	}
	if s.Standardize {
		fm.scaler = FitScaler(Xreal, nReal, d)
		fm.scaler.Apply(Xreal)
	}
	var Xtest []float64
	if st.testEmb != nil {
		Xtest = append([]float64(nil), st.testEmb...)
		if fm.scaler != nil {
			fm.scaler.Apply(Xtest)
		}
	} else if Xtest, err = fm.forward(ds.TestX, ds.TestN); err != nil {
		return nil, fmt.Errorf("features of the test set: %w", err)
	}

	var gen Generator     // generator.kind gmm
	var gan *GANGenerator // generator.kind gan
	var comps []int
	// Clipping of GMM samples: in raw space through the inverse feature map
	// where there is one (pixels to [0,1], table columns to the real
	// subset's range); in feature space, to the real subset's range, for the
	// classifier embedding, which has no inverse. GAN images are valid
	// pixels by construction and are not clipped.
	var rawClip, featClip *clipper
	switch s.GeneratorKind {
	case "gan":
		gan = st.GAN.WithFeatures(fm.forward)
		report(fmt.Sprintf("n=%d rep=%d: real subset of %d rows; GAN samples mapped to %d features", n, rep, nReal, d), 0)
	default:
		t0 := time.Now()
		g, err := FitGMMGenerator(Xreal, nReal, d, realY, k, s.GMMComponents, gmm.Params{
			Covariance: s.GMMCovariance, RegCovar: regOrZero(s.GMMRegCovar), NInit: s.GMMNInit,
			MaxIter: s.GMMMaxIter, Seed: streamSeed(seed, n, 2),
		})
		if err != nil {
			return nil, fmt.Errorf("generator: %w", err)
		}
		gen, comps = g, g.Components()
		report(fmt.Sprintf("n=%d rep=%d: %d class mixtures in %.1fs, components by BIC %v", n, rep, k, time.Since(t0).Seconds(), comps), k)
		switch {
		case !s.Clip:
		case fm.embed != nil:
			featClip = rangeClipper(Xreal, nReal, d)
		case ds.Images:
			rawClip = pixelClipper(ds.D)
		default:
			rawClip = rangeClipper(rawReal, nReal, ds.D)
		}
	}

	var out []trialOut
	for ri, r := range s.Ratios {
		t1 := time.Now()
		m := int(math.Round(r * float64(n)))
		X := append([]float64(nil), Xreal...)
		y := append([]int(nil), realY...)
		agree, drawn := 0, 0
		if m > 0 {
			rng := rand.New(rand.NewSource(streamSeed(seed, n, 100+uint64(ri))))
			synY := make([]int, 0, k*m)
			for c := 0; c < k; c++ {
				for i := 0; i < m; i++ {
					synY = append(synY, c)
				}
			}
			var syn []float64
			if s.GeneratorKind == "gan" {
				// All classes in one call: m rows of class 0, then class 1, ...
				if syn, err = gan.SampleOf(synY, rng); err != nil {
					return nil, fmt.Errorf("generator: %w", err)
				}
				if fm.embed != nil {
					for i, p := range fm.lastPred {
						if p == synY[i] {
							agree++
						}
					}
					drawn += len(synY)
				}
			} else {
				for c := 0; c < k; c++ {
					part, err := gen.Sample(c, m, rng)
					if err != nil {
						return nil, fmt.Errorf("generator: %w", err)
					}
					syn = append(syn, part...)
				}
				switch {
				case rawClip != nil:
					raw := fm.backward(syn, k*m)
					rawClip.apply(raw)
					if syn, err = fm.forward(raw, k*m); err != nil {
						return nil, err
					}
				case featClip != nil:
					featClip.apply(syn)
				}
			}
			if len(syn) != k*m*d {
				return nil, fmt.Errorf("generator: %d values for %d samples of %d features", len(syn), k*m, d)
			}
			X = append(X, syn...)
			y = append(y, synY...)
		}
		if st.capture != nil && st.capture(n, r, X, y, nReal, d, fm) {
			return out, nil
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
		rec := map[string]any{"n_per_class": n, "repetition": rep, "seed": seed, "ratio": r,
			"synthetic_per_class": m, "train_rows": rows, "accuracy": acc,
			"support_vectors": model.NSupport(), "seconds": tr.Seconds}
		if comps != nil {
			rec["gmm_components"] = comps
		}
		msg := fmt.Sprintf("n=%d rep=%d ratio=%g: SVM on %d rows, test accuracy %.4f", n, rep, r, rows, acc)
		if drawn > 0 {
			a := float64(agree) / float64(drawn)
			tr.Agreement = &a
			rec["synthetic_agreement"] = a
			msg += fmt.Sprintf(", classifier agrees with %.3f of the GAN's labels", a)
		}
		out = append(out, tr)
		if logf != nil {
			if err := logf(rec); err != nil {
				return nil, err
			}
		}
		report(msg+fmt.Sprintf(" (%.1fs)", tr.Seconds), 1)
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
