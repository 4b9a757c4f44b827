package featviz

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"

	"genxai/data"
	"genxai/xai/explain"
	"genxai/xai/progress"
)

// Options are the settings of `genxai explain featviz`.
type Options struct {
	Run       string // classifier run directory
	Out       string // output directory
	Classes   string // comma-separated classes whose logits are maximized; "" = all
	Units     string // comma-separated units of the last hidden layer to maximize instead of logits
	Objective string // targets (ParseObjective); overrides Classes and Units when set
	Prior     string // pixel, freq or generator
	Generator string // VAE or GAN run directory of the generator prior
	JudgeVAE  string // VAE run directory whose ELBO judges the pictures ("" = no judge)
	Diversity int    // pictures per target
	// DiversityWeight is λ of the diversity term (diversityGrad).
	DiversityWeight float64
	Restarts        int     // random starts per picture; the best is kept
	LatentL2        float64 // generator prior: weight of (‖z‖ − √L)²
	Compare         int     // random training images the results are compared with
	Params          Params
	// Progress reports the search's steps (nil: silent); the command
	// makes it with progress.New on stderr.
	Progress *progress.Meter
	Executor string
}

// Flags returns the options as config.yaml settings.
func (o Options) Flags() map[string]any {
	p := o.Params
	return map[string]any{"run": o.Run, "classes": o.Classes, "units": o.Units, "objective": o.Objective,
		"prior": o.Prior, "generator": o.Generator, "judge_vae": o.JudgeVAE, "diversity": o.Diversity,
		"diversity_weight": o.DiversityWeight, "restarts": o.Restarts, "latent_l2": o.LatentL2, "compare": o.Compare,
		"steps": p.Steps, "lr": p.LR, "l2": p.L2, "tv": p.TV, "jitter": p.Jitter, "blur_every": p.BlurEvery,
		"blur_sigma": p.BlurSigma, "rotate": p.Rotate, "scale": p.Scale, "seed": p.Seed, "executor": o.Executor}
}

// check validates the settings that need no run.
func (o *Options) check() error {
	p := o.Params
	if o.Prior == "" {
		o.Prior = "pixel"
	}
	if o.Diversity == 0 {
		o.Diversity = 1
	}
	if o.Restarts == 0 {
		o.Restarts = 1
	}
	switch {
	case o.Compare < 1:
		return fmt.Errorf("--compare must be at least 1, got %d", o.Compare)
	case p.Steps < 1 || !(p.LR > 0) || p.L2 < 0 || p.TV < 0 || p.Jitter < 0 || p.BlurEvery < 0 || p.BlurSigma < 0 || p.Rotate < 0 || p.Scale < 0 || p.Scale >= 1:
		return fmt.Errorf("feature visualization: steps ≥ 1, lr > 0, non-negative regularization weights and 0 ≤ scale < 1 are needed, got %+v", p)
	case o.Prior != "pixel" && o.Prior != "freq" && o.Prior != "generator":
		return fmt.Errorf("--prior %q: want pixel, freq or generator", o.Prior)
	case o.Prior == "generator" && o.Generator == "":
		return fmt.Errorf("--prior generator needs --generator RUN, a vae or gan run trained on the classifier's images")
	case o.Diversity < 1 || o.Restarts < 1 || o.DiversityWeight < 0 || o.LatentL2 < 0:
		return fmt.Errorf("--diversity and --restarts must be at least 1, --diversity-weight and --latent-l2 non-negative (got %d, %d, %v, %v)", o.Diversity, o.Restarts, o.DiversityWeight, o.LatentL2)
	}
	return nil
}

// Run synthesizes Diversity pictures for each target (a class logit by
// default, or --units, or --objective) under the chosen prior, and writes
// featviz.png (one row per target: the pictures beside the training image,
// of the compared ones, that scores highest on the same target),
// featviz.csv (one line per picture) and summary.json: per target the value
// reached, the largest value among Compare random training images and
// whether the pictures beat all of them (beats_all_fraction over the
// targets); with --judge-vae, each picture's class probability and ELBO
// beside the best compared training image's class probability and the
// ELBO range of the class's test images (judge.go).
func Run(o Options) (map[string]any, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	run, trainSet, testSet, err := explain.OpenImages(o.Run, "explain featviz", "classifier")
	if err != nil {
		return nil, err
	}
	run.UseExecutor(o.Executor)
	cfg, err := run.ClassifierConfig()
	if err != nil {
		return nil, err
	}
	probe, err := run.Classifier(1, false, 0)
	if err != nil {
		return nil, err
	}
	units := probe.Features.Shape()[1]
	var targets []Target
	if strings.TrimSpace(o.Objective) != "" {
		targets, err = ParseObjective(o.Objective, cfg.Classes, units)
	} else {
		targets, err = targetsOf(o.Classes, o.Units, cfg.Classes, units)
	}
	if err != nil {
		return nil, err
	}
	l := layout{targets: targets, n: o.Diversity, r: o.Restarts}
	if l.rows() > 512 {
		return nil, fmt.Errorf("%d targets × %d pictures × %d restarts = %d rows at once is too many (at most 512); pass fewer targets, --diversity or --restarts", len(targets), l.n, l.r, l.rows())
	}
	clf, err := newClassifier(run, l.rows(), targets)
	if err != nil {
		return nil, err
	}
	defer clf.Close()
	c, h, w := trainSet.C, trainSet.H, trainSet.W
	rng := rand.New(rand.NewSource(o.Params.Seed))
	pr, err := o.newParam(l, cfg.Classes, trainSet, rng)
	if err != nil {
		return nil, err
	}
	defer pr.Close()
	syn, err := synthesize(clf, pr, l, o, c, h, w, rng, o.Progress)
	if err != nil {
		return nil, err
	}
	best := bestRestarts(syn, l)

	// Compare with random training images: every target's value on each.
	crng := rand.New(rand.NewSource(o.Params.Seed + 17))
	pick := crng.Perm(trainSet.N)[:min(o.Compare, trainSet.N)]
	train := make([][]float32, len(pick))
	for i, j := range pick {
		train[i] = trainSet.Image(j)
	}
	ref, err := clf.eval(train, nil, nil, targets)
	if err != nil {
		return nil, err
	}
	var jd *judgement
	if o.JudgeVAE != "" {
		if jd, err = o.judgeAll(syn, best, l, clf, ref, trainSet, testSet); err != nil {
			return nil, err
		}
	}
	out, err := explain.Begin(o.Out, "featviz", o.Flags())
	if err != nil {
		return nil, err
	}
	rep := report(syn, best, l, clf, ref, pick, trainSet, jd)
	if err := rep.write(out, o, syn, best, l, train, c, h, w); err != nil {
		return nil, err
	}
	summary := map[string]any{"run": o.Run, "executor": clf.s.Executor(), "prior": o.Prior, "objective": rep.objective,
		"targets": rep.rows, "pictures": rep.pictures, "compared_images": len(pick),
		"beats_all_fraction": float64(rep.beats) / float64(len(targets))}
	if o.Prior == "generator" {
		summary["generator"] = o.Generator
	}
	if jd != nil {
		summary["judge_vae"] = o.JudgeVAE
		summary["classes"] = rep.classes
		summary["judge"] = "class probability from the classifier's softmax; ELBO (nats per picture, higher is more data-like) of the judge VAE averaged over 8 draws of z; a class's target is met when one of its pictures reaches at least the best compared training image's class probability with an ELBO within [min, max] of the class's test images"
		summary["classes_met"], summary["classes_judged"] = rep.met, rep.judged
	}
	if err := out.Finish("featviz", summary); err != nil {
		return nil, err
	}
	return summary, nil
}

// newParam builds the parameterization of o.Prior for the rows of l.
func (o Options) newParam(l layout, classes int, trainSet *data.Images, rng *rand.Rand) (param, error) {
	c, h, w := trainSet.C, trainSet.H, trainSet.W
	switch o.Prior {
	case "freq":
		return newFourier(l.rows(), c, h, w, o.Params.LR, rng), nil
	case "generator":
		grun, gtrain, _, err := explain.OpenImages(o.Generator, "explain featviz --generator", "vae", "gan")
		if err != nil {
			return nil, err
		}
		if gtrain.C != c || gtrain.H != h || gtrain.W != w {
			return nil, fmt.Errorf("the classifier (%s) reads %d×%d×%d images and the generator (%s) makes %d×%d×%d: train both on the same data",
				o.Run, c, h, w, o.Generator, gtrain.C, gtrain.H, gtrain.W)
		}
		grun.UseExecutor(o.Executor)
		// A conditional GAN draws each picture of a class target from its
		// class; other targets cycle through the classes.
		cond := make([]int, l.rows())
		for i := range cond {
			if k := l.target(i).Class(); k >= 0 && k < gtrain.Classes {
				cond[i] = k
			} else {
				cond[i] = i % max(gtrain.Classes, 1)
			}
		}
		return newGenerator(grun, l.rows(), cond, o.Params.LR, o.LatentL2, rng)
	}
	return newPixels(l.rows(), c, h, w, o.Params, rng), nil
}

// bestRestarts picks, for each target and picture, the restart whose
// final value is highest; the result is indexed [target][picture] by row.
func bestRestarts(s *synthesis, l layout) [][]int {
	best := make([][]int, len(l.targets))
	for t := range l.targets {
		best[t] = make([]int, l.n)
		for k := range l.n {
			b := l.row(t, k, 0)
			for j := 1; j < l.r; j++ {
				if i := l.row(t, k, j); s.values[i] > s.values[b] {
					b = i
				}
			}
			best[t][k] = b
		}
	}
	return best
}

// openJudge opens the judge VAE run and checks its image shape.
func (o Options) openJudge(trainSet *data.Images) (*judge, error) {
	vrun, vtrain, _, err := explain.OpenImages(o.JudgeVAE, "explain featviz --judge-vae", "vae")
	if err != nil {
		return nil, err
	}
	if vtrain.C != trainSet.C || vtrain.H != trainSet.H || vtrain.W != trainSet.W {
		return nil, fmt.Errorf("the classifier (%s) reads %d×%d×%d images and the judge VAE (%s) %d×%d×%d: train both on the same data",
			o.Run, trainSet.C, trainSet.H, trainSet.W, o.JudgeVAE, vtrain.C, vtrain.H, vtrain.W)
	}
	return newJudge(vrun, o.Executor, o.Params.Seed)
}

// parseList reads "0,3,7" (each in 0..limit−1); "" means all.
func parseList(s string, limit int, kind string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		out := make([]int, limit)
		for i := range out {
			out[i] = i
		}
		return out, nil
	}
	var out []int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		k, err := strconv.Atoi(part)
		if err != nil || k < 0 || k >= limit {
			return nil, fmt.Errorf("%q is not a %s of this model (allowed: 0..%d, comma-separated)", part, kind, limit-1)
		}
		out = append(out, k)
	}
	return out, nil
}
