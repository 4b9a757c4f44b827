package saliency

import (
	"fmt"
	"math"
	"math/rand"

	"genxai/data"
	"genxai/xai/explain"
)

// Options are the settings of `genxai explain saliency`.
type Options struct {
	Run       string   // classifier or GAN run directory
	Out       string   // output directory
	Inputs    string   // images to explain, e.g. "test:0,test:5"; "" = the first 8 test images
	Methods   []string // subset of Methods; empty = all
	Target    int      // classifier: the class whose logit is explained; −1 = each image's predicted class
	Steps     int      // Integrated Gradients steps
	Baseline  string   // Integrated Gradients baseline: black or blur
	BlurSigma float64  // standard deviation in pixels of the blurred baseline
	Samples   int      // SmoothGrad samples
	Noise     float64  // SmoothGrad noise, a fraction of each image's value range
	Sanity    bool     // also run the model-randomization check (classifier only)
	Seed      int64    // seed of the SmoothGrad noise and the randomized weights
	Executor  string
}

// Flags returns the options as config.yaml settings.
func (o Options) Flags() map[string]any {
	return map[string]any{"run": o.Run, "input": o.Inputs, "methods": o.Methods, "target": o.Target, "steps": o.Steps,
		"baseline": o.Baseline, "blur_sigma": o.BlurSigma, "samples": o.Samples, "noise": o.Noise,
		"sanity": o.Sanity, "seed": o.Seed, "executor": o.Executor}
}

// Run explains the chosen images of a classifier or GAN run with each
// method and writes saliency_<method>.png (input | attribution | overlay per
// image, each attribution divided by its largest magnitude) and
// summary.json: the explained output and its value per image, the
// Integrated Gradients completeness error (ig_completeness_error, the
// largest relative gap |Σ attributions − (f(x) − f(x'))| / |f(x) − f(x')|
// over the images) and, with Sanity, the Spearman rank correlation between
// the |attribution| maps of the trained model and of the same architecture
// with freshly initialized weights (Adebayo et al., 2018), per method.
func Run(o Options) (map[string]any, error) {
	names := o.Methods
	if len(names) == 0 {
		names = Methods
	}
	chosen := make([]method, len(names))
	for i, name := range names {
		m, err := methodNamed(name)
		if err != nil {
			return nil, err
		}
		chosen[i] = m
	}
	if o.Baseline != "black" && o.Baseline != "blur" {
		return nil, fmt.Errorf("--baseline %q is not known (allowed: black, blur)", o.Baseline)
	}
	if o.Steps < 1 || o.Steps > 100000 {
		return nil, fmt.Errorf("--steps must be in 1..100000, got %d", o.Steps)
	}
	if o.Samples < 1 || o.Samples > 10000 {
		return nil, fmt.Errorf("--samples must be in 1..10000, got %d", o.Samples)
	}
	if !(o.Noise >= 0) || !(o.BlurSigma > 0) {
		return nil, fmt.Errorf("--noise must be ≥ 0 and --blur-sigma > 0 (got %v and %v)", o.Noise, o.BlurSigma)
	}
	inputs, err := explain.ParseInputs(o.Inputs)
	if err != nil {
		return nil, err
	}
	run, trainSet, testSet, err := explain.OpenImages(o.Run, "explain saliency", "classifier", "gan")
	if err != nil {
		return nil, err
	}
	if o.Sanity && run.Kind != "classifier" {
		return nil, fmt.Errorf("--sanity (model randomization) needs a classifier run; %s holds a %q model", o.Run, run.Kind)
	}
	if len(inputs) == 0 {
		inputs = explain.FirstTest(8, testSet)
	}
	pixels, labels, err := explain.Resolve(inputs, trainSet, testSet)
	if err != nil {
		return nil, err
	}
	m, err := buildModel(run, o.Executor, false, 0)
	if err != nil {
		return nil, err
	}
	defer m.scorer.Close()
	if o.Target >= len(m.outputs) || (run.Kind == "classifier" && o.Target < -1) {
		return nil, fmt.Errorf("--target %d is out of range: the model has classes 0..%d (or -1 for each image's predicted class)", o.Target, len(m.outputs)-1)
	}
	qs, preds, err := queries(m, run.Kind, pixels, labels, o.Target)
	if err != nil {
		return nil, err
	}
	out, err := explain.Begin(o.Out, "saliency", o.Flags())
	if err != nil {
		return nil, err
	}
	summary := map[string]any{"run": o.Run, "model": run.Kind, "executor": m.scorer.Executor(), "explained": m.what}
	var rows []map[string]any
	for i, in := range inputs {
		r := map[string]any{"input": in.String(), "label": labels[i], "output": qs[i].Output, "value": preds[i].value}
		if run.Kind == "classifier" {
			r["predicted"] = preds[i].class
		}
		rows = append(rows, r)
	}
	summary["inputs"] = rows

	attrs := map[string][][]float32{}
	rng := rand.New(rand.NewSource(o.Seed))
	for _, meth := range chosen {
		a, ig, err := meth.attribute(m.scorer, qs, testSet, o, rng)
		if err != nil {
			return nil, err
		}
		attrs[meth.name] = a
		if ig != nil {
			worst := 0.0
			for _, g := range ig.Gap {
				worst = math.Max(worst, g)
			}
			summary["ig_completeness_error"] = worst
			summary["ig_completeness_errors"] = ig.Gap
			summary["ig_f_input"] = ig.FInput
			summary["ig_f_baseline"] = ig.FBaseline
			summary["ig_attribution_sum"] = ig.Sum
			summary["ig_steps"] = o.Steps
			summary["ig_baseline"] = o.Baseline
		}
		if err := drawMethod(out, meth, o, pixels, inputs, labels, qs, preds, a, m, testSet, ig); err != nil {
			return nil, err
		}
	}
	if o.Sanity {
		rnd, err := buildModel(run, o.Executor, true, o.Seed+1_000_003)
		if err != nil {
			return nil, err
		}
		defer rnd.scorer.Close()
		corr := map[string]float64{}
		for _, meth := range chosen {
			ra, _, err := meth.attribute(rnd.scorer, qs, testSet, o, rand.New(rand.NewSource(o.Seed)))
			if err != nil {
				return nil, err
			}
			var sum float64
			for i := range qs {
				sum += Spearman(absOf(attrs[meth.name][i]), absOf(ra[i]))
			}
			corr[meth.name] = sum / float64(len(qs))
		}
		summary["randomization_spearman"] = corr
	}
	if err := out.Finish("saliency", summary); err != nil {
		return nil, err
	}
	return summary, nil
}

// drawMethod writes saliency_<name>.png.
func drawMethod(out *explain.Out, meth method, o Options, pixels [][]float32, inputs []explain.Input, labels []int,
	qs []explain.Query, preds []prediction, attr [][]float32, m *model, set *data.Images, ig *IGResult) error {
	c, h, w := set.C, set.H, set.W
	var tiles [][]float32
	var rowLabels []string
	for i := range pixels {
		a := explain.ChannelSum(attr[i], c, h, w)
		scale := explain.MaxAbs(a)
		norm := make([]float64, len(a))
		for j, v := range a {
			norm[j] = v / scale
		}
		tiles = append(tiles,
			explain.GrayTile(pixels[i], c, h, w),
			explain.ColorTile(norm, h, w, -1, 1, true),
			explain.OverlayTile(pixels[i], c, h, w, norm, 1))
		lab := fmt.Sprintf("%s y=%s logit(%s)=%.2f", inputs[i], set.ClassName(labels[i]), m.outputs[qs[i].Output], preds[i].value)
		if len(m.outputs) == 1 {
			lab = fmt.Sprintf("%s y=%s D logit=%.2f", inputs[i], set.ClassName(labels[i]), preds[i].value)
		}
		if ig != nil {
			lab += fmt.Sprintf(" gap %.1e", ig.Gap[i])
		}
		rowLabels = append(rowLabels, lab)
	}
	title := fmt.Sprintf("%s of the %s", meth.title, m.what)
	if meth.name == "ig" {
		title += fmt.Sprintf(" (%d steps, %s baseline)", o.Steps, o.Baseline)
	}
	if meth.name == "smoothgrad" {
		title += fmt.Sprintf(" (%d samples, noise %.2f)", o.Samples, o.Noise)
	}
	sheet := explain.Sheet(explain.SheetSpec{
		Title: title, Columns: []string{"input", "saliency", "overlay"}, RowLabels: rowLabels,
		Tiles: tiles, H: h, W: w, Cols: 3,
		Bar: &explain.Bar{Lo: -1, Hi: 1, Diverging: true, Label: "attr / max|attr|"},
	})
	return out.PNG("saliency_"+meth.name+".png", sheet)
}

// absOf returns |v| as float64.
func absOf(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = math.Abs(float64(x))
	}
	return out
}
