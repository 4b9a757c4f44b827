package saliency

import (
	"fmt"
	"math"
	"math/rand"

	"genxai/xai/explain"
)

// CompareOptions are the settings of `genxai explain compare`: the
// attribution methods' settings and those of the faithfulness measures.
type CompareOptions struct {
	Options                    // the methods, their settings, the run, the images and --out
	CurveSteps         int     // steps of the deletion and insertion curves
	InsertionSigma     float64 // blur of the insertion curve's start image (0: black)
	InfidelitySamples  int     // Gaussian perturbations per image of the infidelity
	InfidelityNoise    float64 // their standard deviation
	SensitivitySamples int     // perturbed inputs per image of the max-sensitivity
	SensitivityRadius  float64 // their L∞ radius
}

// Flags returns the options as config.yaml settings.
func (o CompareOptions) Flags() map[string]any {
	f := o.Options.Flags()
	delete(f, "sanity")
	for k, v := range map[string]any{"curve_steps": o.CurveSteps, "insertion_sigma": o.InsertionSigma,
		"infidelity_samples": o.InfidelitySamples, "infidelity_noise": o.InfidelityNoise,
		"sensitivity_samples": o.SensitivitySamples, "sensitivity_radius": o.SensitivityRadius} {
		f[k] = v
	}
	return f
}

// RandomName is the row of the comparison that orders pixels at random: the
// reference every faithful method's deletion AUC should beat.
const RandomName = "random"

// Measures are one method's faithfulness numbers, each a mean over the
// compared images: deletion and insertion AUC (Petsiuk et al., 2018; class
// probability for a classifier), infidelity and its β-scaled form and
// max-sensitivity (Yeh et al., 2019), and the model-randomization Spearman
// correlation (Adebayo et al., 2018). NaN marks a measure not taken (the
// random ordering has no sensitivity or randomization check; a GAN no
// randomization check).
type Measures struct {
	Method                        string
	Deletion, Insertion           float64
	Infidelity, InfidelityScaled  float64
	MaxSensitivity, Randomization float64
}

// globalBaselines gives, for the methods whose attributions are multiplied
// by x − b (gradient × input from black, Integrated Gradients and DeepLIFT
// from --baseline, occlusion from the occluding value, GradientSHAP taken
// from black), the baselines b the infidelity perturbs relative to; the
// other methods are local (gradients) and perturbed additively.
var globalBaselines = map[string]func(e *env, qs []explain.Query) [][]float32{
	"gradxinput": blackOf,
	"ig":         (*env).baselines,
	"deeplift":   (*env).baselines,
	"gradshap":   blackOf,
	"occlusion": func(e *env, qs []explain.Query) [][]float32 {
		out := blackOf(e, qs)
		for _, b := range out {
			for j := range b {
				b[j] = float32(e.o.OcclusionValue)
			}
		}
		return out
	},
}

// blackOf is the black baseline of each query.
func blackOf(_ *env, qs []explain.Query) [][]float32 {
	out := make([][]float32, len(qs))
	for i, q := range qs {
		out[i] = BlackBaseline(q.X)
	}
	return out
}

// Compare measures the faithfulness of each attribution method on the
// chosen images of a classifier, GAN or VAE run and writes compare.csv and
// compare.md (one row per method and one for a random pixel ordering, best
// deletion AUC first), compare.png (each method's rank on each measure),
// compare_curves.png (the mean deletion and insertion curves),
// compare_maps.png (every method's map of every image, coloured by
// --scale) and summary.json. Deletion replaces pixels by the --baseline
// image, insertion starts from the image blurred by InsertionSigma.
func Compare(o CompareOptions) (map[string]any, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	ss, err := open(o.Options, "explain compare", 16)
	if err != nil {
		return nil, err
	}
	defer ss.m.Close()
	run, trainSet, testSet, m, chosen := ss.run, ss.trainSet, ss.testSet, ss.m, ss.chosen
	inputs, pixels, qs := ss.inputs, ss.pixels, ss.qs
	out, err := explain.Begin(o.Out, "compare", o.Flags())
	if err != nil {
		return nil, err
	}
	set := testSet
	spec := CurveSpec{C: set.C, H: set.H, W: set.W, Steps: o.CurveSteps, Probability: run.Kind == "classifier"}
	e := func() *env { // a fresh env per call: the random methods draw the same noise for x and its perturbations
		return &env{m: m, o: o.Options, trainSet: trainSet, set: set, rng: rand.New(rand.NewSource(o.Seed))}
	}
	starts := make([][]float32, len(qs))
	for i, q := range qs {
		starts[i] = Blur(q.X, set.C, set.H, set.W, o.InsertionSigma)
		if o.InsertionSigma == 0 {
			starts[i] = BlackBaseline(q.X)
		}
	}
	f := &faith{o: o, s: m.scorer, qs: qs, spec: spec, deleteTo: e().baselines(qs), starts: starts,
		rng: rand.New(rand.NewSource(o.Seed + 7))}

	attrs := map[string][][]float32{}
	var rows []Measures
	var curves []namedCurves
	for _, meth := range chosen {
		a, _, err := meth.attribute(e(), qs)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", meth.name, err)
		}
		attrs[meth.name] = a
		var base [][]float32
		if g := globalBaselines[meth.name]; g != nil {
			base = g(e(), qs)
		}
		r, c, err := f.measure(meth.name, a, base)
		if err != nil {
			return nil, err
		}
		sens, err := MaxSensitivity(func(moved []explain.Query) ([][]float32, error) {
			a, _, err := meth.attribute(e(), moved)
			return a, err
		}, qs, a, o.SensitivitySamples, o.SensitivityRadius, f.rng)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", meth.name, err)
		}
		r.MaxSensitivity = mean(sens)
		rows = append(rows, r)
		curves = append(curves, c)
	}
	random := make([][]float32, len(qs))
	pick := rand.New(rand.NewSource(o.Seed + 11))
	for i, q := range qs {
		random[i] = make([]float32, len(q.X))
		for j := range random[i] {
			random[i][j] = float32(pick.NormFloat64())
		}
	}
	r, c, err := f.measure(RandomName, random, nil)
	if err != nil {
		return nil, err
	}
	rows = append(rows, r)
	curves = append(curves, c)

	summary := map[string]any{"run": o.Run, "model": run.Kind, "executor": m.scorer.Executor(), "explained": m.what,
		"methods": names(chosen), "images": len(qs), "curve_value": curveValue(spec)}
	if run.Kind != "gan" {
		corr, undefined, err := randomization(run, o.Options, chosen, qs, attrs, trainSet, testSet)
		if err != nil {
			return nil, err
		}
		for i := range rows {
			if v, ok := corr[rows[i].Method]; ok {
				rows[i].Randomization = v
			}
		}
		if len(undefined) > 0 {
			summary["randomization_undefined"] = undefined
		}
	} else {
		summary["randomization"] = "not run: the model-randomization check needs a classifier or VAE"
	}
	sortByDeletion(rows)
	if err := writeComparison(out, rows, curves, spec, summary); err != nil {
		return nil, err
	}
	if err := drawComparedMaps(out, o.Scale, chosen, attrs, pixels, inputs, set.C, set.H, set.W); err != nil {
		return nil, err
	}
	if err := out.Finish("compare", summary); err != nil {
		return nil, err
	}
	return summary, nil
}

// check validates the options that need no run.
func (o CompareOptions) check() error {
	if err := o.Options.check(); err != nil {
		return err
	}
	switch {
	case o.CurveSteps < 1:
		return fmt.Errorf("--curve-steps must be at least 1, got %d", o.CurveSteps)
	case !(o.InsertionSigma >= 0):
		return fmt.Errorf("--insertion-sigma must be ≥ 0 pixels, got %v", o.InsertionSigma)
	case o.InfidelitySamples < 1 || !(o.InfidelityNoise > 0):
		return fmt.Errorf("--infidelity-samples must be at least 1 and --infidelity-noise > 0, got %d and %v", o.InfidelitySamples, o.InfidelityNoise)
	case o.SensitivitySamples < 1 || !(o.SensitivityRadius > 0):
		return fmt.Errorf("--sensitivity-samples must be at least 1 and --sensitivity-radius > 0, got %d and %v", o.SensitivitySamples, o.SensitivityRadius)
	}
	return nil
}

// faith holds what the measures of every method share.
type faith struct {
	o                CompareOptions
	s                *explain.Scorer
	qs               []explain.Query
	spec             CurveSpec
	deleteTo, starts [][]float32
	rng              *rand.Rand
}

// namedCurves are one method's deletion and insertion curves.
type namedCurves struct {
	method              string
	deletion, insertion []Curve
}

// measure takes the deletion and insertion curves and the infidelity of
// the attributions a (global when base is not nil, see Infidelity).
func (f *faith) measure(name string, a, base [][]float32) (Measures, namedCurves, error) {
	r := Measures{Method: name, MaxSensitivity: math.NaN(), Randomization: math.NaN()}
	del, err := DeletionCurves(f.s, f.qs, a, f.deleteTo, f.spec)
	if err != nil {
		return r, namedCurves{}, fmt.Errorf("%s: %w", name, err)
	}
	ins, err := InsertionCurves(f.s, f.qs, a, f.starts, f.spec)
	if err != nil {
		return r, namedCurves{}, fmt.Errorf("%s: %w", name, err)
	}
	inf, scaled, err := Infidelity(f.s, f.qs, a, base, f.o.InfidelitySamples, f.o.InfidelityNoise, f.rng)
	if err != nil {
		return r, namedCurves{}, fmt.Errorf("%s: %w", name, err)
	}
	r.Deletion, r.Insertion = meanAUC(del), meanAUC(ins)
	r.Infidelity, r.InfidelityScaled = mean(inf), mean(scaled)
	return r, namedCurves{method: name, deletion: del, insertion: ins}, nil
}

// meanAUC is the mean area under the curves.
func meanAUC(cs []Curve) float64 {
	v := make([]float64, len(cs))
	for i, c := range cs {
		v[i] = c.AUC()
	}
	return mean(v)
}

// mean is the arithmetic mean (NaN for none).
func mean(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// curveValue names what the curves read.
func curveValue(spec CurveSpec) string {
	if spec.Probability {
		return "softmax probability of the explained class"
	}
	return "the explained output"
}
