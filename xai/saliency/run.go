package saliency

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"strconv"
	"strings"

	"genxai/data"
	"genxai/models"
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
	Seed      int64    // seed of the SmoothGrad and GradientSHAP draws, the GradientSHAP baselines and the randomized weights
	Executor  string
	Scale     string // heatmap colour scale: per-image or shared (explain.ScaleModes)

	MaxBatch       int     // rows of one forward/backward pass: the memory budget of the path methods and occlusion
	VAEOutput      string  // a VAE's explained output: latent (μ of unit Target) or recon (the reconstruction error)
	Window, Stride int     // occlusion window side and step in pixels
	OcclusionValue float64 // value the occlusion window puts in the pixels it covers
	Layer          string  // Grad-CAM layer ("" = the last convolutional layer)
	ShapSamples    int     // GradientSHAP samples per image
	ShapNoise      float64 // GradientSHAP noise standard deviation in pixel units
	ShapBaselines  int     // GradientSHAP baseline distribution: this many random training images
}

// Flags returns the options as config.yaml settings.
func (o Options) Flags() map[string]any {
	return map[string]any{"run": o.Run, "input": o.Inputs, "methods": o.Methods, "target": o.Target, "steps": o.Steps,
		"baseline": o.Baseline, "blur_sigma": o.BlurSigma, "samples": o.Samples, "noise": o.Noise,
		"sanity": o.Sanity, "seed": o.Seed, "executor": o.Executor, "max_batch": o.MaxBatch, "vae_output": o.VAEOutput,
		"window": o.Window, "stride": o.Stride, "occlusion_value": o.OcclusionValue, "layer": o.Layer,
		"shap_samples": o.ShapSamples, "shap_noise": o.ShapNoise, "shap_baselines": o.ShapBaselines, "scale": o.Scale}
}

// Run explains the chosen images of a classifier, GAN or VAE run with each
// method and writes saliency_<method>.png (input | attribution | overlay per
// image, each attribution divided by its largest magnitude),
// saliency_<method>.csv (the attributions, one row per image) and
// summary.json: the explained output and its value per image, the
// Integrated Gradients completeness error (ig_completeness_error, the
// largest relative gap |Σ attributions − (f(x) − f(x'))| / |f(x) − f(x')|
// over the images), DeepLIFT's summation-to-delta error in the same form
// (deeplift_summation_error) and, with Sanity, the Spearman rank
// correlation between the |attribution| maps of the trained model and of
// the same architecture with freshly initialized weights (Adebayo et al.,
// 2018), per method, averaged over the images where it is defined (a
// constant map has none). Without Methods it runs every method the model
// supports (Grad-CAM needs a convolutional layer, DeepLIFT a classifier or
// a VAE's latent units).
func Run(o Options) (map[string]any, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	ss, err := open(o, "explain saliency", 8)
	if err != nil {
		return nil, err
	}
	defer ss.m.Close()
	run, trainSet, testSet, m, chosen := ss.run, ss.trainSet, ss.testSet, ss.m, ss.chosen
	inputs, pixels, labels, qs, preds := ss.inputs, ss.pixels, ss.labels, ss.qs, ss.preds
	if o.Sanity && run.Kind == "gan" {
		return nil, fmt.Errorf("--sanity (model randomization) needs a classifier or VAE run; %s holds a %q model", o.Run, run.Kind)
	}
	out, err := explain.Begin(o.Out, "saliency", o.Flags())
	if err != nil {
		return nil, err
	}
	summary := map[string]any{"run": o.Run, "model": run.Kind, "executor": m.scorer.Executor(), "explained": m.what,
		"methods": names(chosen), "max_batch": o.MaxBatch}
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
	e := &env{m: m, o: o, trainSet: trainSet, set: testSet, rng: rand.New(rand.NewSource(o.Seed))}
	for _, meth := range chosen {
		a, ig, err := meth.attribute(e, qs)
		if err != nil {
			return nil, err
		}
		attrs[meth.name] = a
		if ig != nil {
			addCheck(summary, meth.check, ig)
			if meth.name == "ig" {
				summary["ig_steps"] = o.Steps
			}
			summary[strings.Split(meth.check, "_")[0]+"_baseline"] = o.Baseline
		}
		if err := drawMethod(out, meth, o, pixels, inputs, labels, qs, preds, a, m, testSet, ig); err != nil {
			return nil, err
		}
		if err := writeCSV(out, "saliency_"+meth.name+".csv", inputs, a); err != nil {
			return nil, err
		}
	}
	if o.Sanity {
		corr, undefined, err := randomization(run, o, chosen, qs, attrs, trainSet, testSet)
		if err != nil {
			return nil, err
		}
		summary["randomization_spearman"] = corr
		if len(undefined) > 0 {
			summary["randomization_undefined"] = undefined
		}
	}
	if err := out.Finish("saliency", summary); err != nil {
		return nil, err
	}
	return summary, nil
}

// check validates the options that need no run.
func (o Options) check() error {
	for _, name := range o.Methods {
		if _, err := methodNamed(name); err != nil {
			return err
		}
	}
	switch {
	case o.Baseline != "black" && o.Baseline != "blur":
		return fmt.Errorf("--baseline %q is not known (allowed: black, blur)", o.Baseline)
	case o.Steps < 1 || o.Steps > 100000:
		return fmt.Errorf("--steps must be in 1..100000, got %d", o.Steps)
	case o.Samples < 1 || o.Samples > 10000 || o.ShapSamples < 1 || o.ShapSamples > 100000:
		return fmt.Errorf("--samples must be in 1..10000 and --shap-samples in 1..100000, got %d and %d", o.Samples, o.ShapSamples)
	case !(o.Noise >= 0) || !(o.BlurSigma > 0) || !(o.ShapNoise >= 0):
		return fmt.Errorf("--noise and --shap-noise must be ≥ 0 and --blur-sigma > 0 (got %v, %v and %v)", o.Noise, o.ShapNoise, o.BlurSigma)
	case o.MaxBatch < 1 || o.MaxBatch > 65536:
		return fmt.Errorf("--max-batch must be in 1..65536 (rows of one forward/backward pass), got %d", o.MaxBatch)
	case o.VAEOutput != "latent" && o.VAEOutput != "recon":
		return fmt.Errorf("--vae-output %q is not known (allowed: latent, recon)", o.VAEOutput)
	case o.Window < 1 || o.Stride < 1:
		return fmt.Errorf("--window and --stride must be at least 1 pixel, got %d and %d", o.Window, o.Stride)
	case o.ShapBaselines < 1:
		return fmt.Errorf("--shap-baselines must be at least 1, got %d", o.ShapBaselines)
	case !slices.Contains(explain.ScaleModes, o.Scale):
		return fmt.Errorf("--scale %q is not known (allowed: %v)", o.Scale, explain.ScaleModes)
	}
	return nil
}

// choose returns the methods called names, or, when names is empty, every
// method m supports. A named method m does not support is an error saying
// why.
func choose(names []string, m *model) ([]method, error) {
	var chosen []method
	for _, meth := range methods {
		if len(names) > 0 && !slices.Contains(names, meth.name) {
			continue
		}
		if meth.needs != nil {
			if err := meth.needs(m); err != nil {
				if len(names) > 0 {
					return nil, fmt.Errorf("--methods %s: %w", meth.name, err)
				}
				continue
			}
		}
		chosen = append(chosen, meth)
	}
	return chosen, nil
}

// names lists the methods' names.
func names(ms []method) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.name
	}
	return out
}

// addCheck writes a completeness check to the summary under prefix:
// <prefix>_error (the worst relative gap), <prefix>_errors and the method's
// f(x), f(x') and attribution sums (<method>_f_input, …).
func addCheck(summary map[string]any, prefix string, r *IGResult) {
	worst := 0.0
	for _, g := range r.Gap {
		worst = math.Max(worst, g)
	}
	summary[prefix+"_error"] = worst
	summary[prefix+"_errors"] = r.Gap
	meth := strings.Split(prefix, "_")[0]
	summary[meth+"_f_input"] = r.FInput
	summary[meth+"_f_baseline"] = r.FBaseline
	summary[meth+"_attribution_sum"] = r.Sum
}

// writeCSV writes the attributions, one row per input: the input's name,
// then its values in C·H·W order.
func writeCSV(out *explain.Out, name string, inputs []explain.Input, attr [][]float32) error {
	var b strings.Builder
	for i, a := range attr {
		b.WriteString(inputs[i].String())
		for _, v := range a {
			b.WriteByte(',')
			b.WriteString(strconv.FormatFloat(float64(v), 'g', -1, 32))
		}
		b.WriteByte('\n')
	}
	return out.WriteFile(name, []byte(b.String()))
}

// drawMethod writes saliency_<name>.png.
func drawMethod(out *explain.Out, meth method, o Options, pixels [][]float32, inputs []explain.Input, labels []int,
	qs []explain.Query, preds []prediction, attr [][]float32, m *model, set *data.Images, ig *IGResult) error {
	c, h, w := set.C, set.H, set.W
	var tiles [][]float32
	var rowLabels []string
	maps := make([][]float64, len(pixels))
	for i := range pixels {
		maps[i] = explain.ChannelSum(attr[i], c, h, w)
	}
	scales, err := explain.MapScales(maps, o.Scale)
	if err != nil {
		return err
	}
	for i := range pixels {
		norm := make([]float64, len(maps[i]))
		for j, v := range maps[i] {
			norm[j] = v / scales[i]
		}
		tiles = append(tiles,
			explain.GrayTile(pixels[i], c, h, w),
			explain.ColorTile(norm, h, w, -1, 1, true),
			explain.OverlayTile(pixels[i], c, h, w, norm, 1))
		lab := fmt.Sprintf("%s y=%s %s=%.2f", inputs[i], set.ClassName(labels[i]), m.outputs[qs[i].Output], preds[i].value)
		if ig != nil {
			lab += fmt.Sprintf(" gap %.1e", ig.Gap[i])
		}
		rowLabels = append(rowLabels, lab)
	}
	title := fmt.Sprintf("%s of the %s", meth.title, m.what)
	if meth.name == "ig" {
		title += fmt.Sprintf(" (%d steps, %s baseline)", o.Steps, o.Baseline)
	}
	switch meth.name {
	case "smoothgrad":
		title += fmt.Sprintf(" (%d samples, noise %.2f)", o.Samples, o.Noise)
	case "deeplift":
		title += fmt.Sprintf(" (%s baseline)", o.Baseline)
	case "occlusion":
		title += fmt.Sprintf(" (window %d, stride %d, value %g)", o.Window, o.Stride, o.OcclusionValue)
	case "gradshap":
		title += fmt.Sprintf(" (%d samples, %d baselines, noise %g)", o.ShapSamples, o.ShapBaselines, o.ShapNoise)
	case "gradcam", "guided_gradcam":
		if o.Layer != "" {
			title += " at " + o.Layer
		}
	}
	sheet := explain.Sheet(explain.SheetSpec{
		Title: title, Columns: []string{"input", "saliency", "overlay"}, RowLabels: rowLabels,
		Tiles: tiles, H: h, W: w, Cols: 3,
		Bar: &explain.Bar{Lo: -1, Hi: 1, Diverging: true, Label: explain.ScaleLabel(o.Scale, scales)},
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

// randomization is the model-randomization check (Adebayo et al., 2018):
// for each method, the Spearman rank correlation between the |attribution|
// maps attrs of the trained model and those of the same architecture with
// freshly initialized weights, averaged over the queries where it is
// defined. Methods whose maps are constant on every query (a Grad-CAM of
// zeros has no ranks) are listed in undefined instead.
func randomization(run *models.Run, o Options, chosen []method, qs []explain.Query, attrs map[string][][]float32,
	trainSet, testSet *data.Images) (corr map[string]float64, undefined []string, err error) {
	rnd, err := buildModel(run, o, true, o.Seed+1_000_003)
	if err != nil {
		return nil, nil, err
	}
	defer rnd.Close()
	corr = map[string]float64{}
	re := &env{m: rnd, o: o, trainSet: trainSet, set: testSet, rng: rand.New(rand.NewSource(o.Seed))}
	for _, meth := range chosen {
		ra, _, err := meth.attribute(re, qs)
		if err != nil {
			return nil, nil, err
		}
		var sum float64
		n := 0
		for i := range qs {
			if r := Spearman(absOf(attrs[meth.name][i]), absOf(ra[i])); !math.IsNaN(r) {
				sum += r
				n++
			}
		}
		if n == 0 {
			undefined = append(undefined, meth.name)
			continue
		}
		corr[meth.name] = sum / float64(n)
	}
	return corr, undefined, nil
}
