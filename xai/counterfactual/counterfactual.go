// Package counterfactual finds generative counterfactual explanations: for an
// image x and a target class, a latent code z near the VAE encoding of x
// whose decoding a classifier assigns to the target. Searching the latent
// space of a generative model keeps the counterfactual on the data manifold
// (Joshi et al., "Towards Realistic Individual Recourse and Actionable
// Explanations in Black-Box Decision Making Systems", 2019; Wachter, Mittelstadt
// and Russell, 2017, for the distance-penalized objective):
//
//	minimize over z   CE(classifier(decoder(z)), target) + λ‖z − μ(x)‖²
//
// by Adam, stopping for each image as soon as the classifier's most probable
// class for decoder(z) is the target with probability at least Confidence.
// The gradient through the two networks is chained by hand: the classifier's
// ∂CE/∂x' is a vector-Jacobian product taken through the decoder.
package counterfactual

import (
	"fmt"
	"math"
	"slices"

	G "gorgonia.org/gorgonia"

	"genxai/engine"
	"genxai/models"
	"genxai/nets"
	"genxai/xai/explain"
	"genxai/xai/latent"
	"genxai/xai/progress"
)

// Options are the settings of `genxai explain counterfactual`.
type Options struct {
	Run        string  // classifier run directory
	VAE        string  // VAE run directory (same image shape)
	Out        string  // output directory
	Target     int     // the class the counterfactuals should be assigned to
	Inputs     string  // images; "" = the first N test images neither labelled nor classified as the target
	N          int     // number of default images
	Steps      int     // at most this many Adam steps per image
	LR         float64 // Adam step size in latent units
	Lambda     float64 // weight λ of the squared latent distance
	Confidence float64 // success needs the target's probability ≥ this (and to be the most probable class)
	Show       int     // rows drawn in counterfactuals.png
	Executor   string
	// Progress reports the search's steps (nil: silent); the command
	// makes it with progress.New on stderr.
	Progress *progress.Meter
}

// Flags returns the options as config.yaml settings.
func (o Options) Flags() map[string]any {
	return map[string]any{"run": o.Run, "vae": o.VAE, "target": o.Target, "input": o.Inputs, "n": o.N, "steps": o.Steps,
		"lr": o.LR, "lambda": o.Lambda, "confidence": o.Confidence, "show": o.Show, "executor": o.Executor}
}

// Result is the search's outcome for one image.
type Result struct {
	Z0, Z          []float32 // encoding μ(x) and the counterfactual code
	Recon, CF      []float32 // decoder(μ(x)) and decoder(z)
	Success        bool
	Steps          int
	TargetProb     float64 // classifier probability of the target for CF
	OriginalPred   int     // classifier's class for x
	LatentDistance float64 // ‖z − μ(x)‖
	PixelDistance  float64 // ‖CF − Recon‖ (L2 over pixels)
}

// searcher holds the three graphs of the search for groups of rows.
type searcher struct {
	vae    *latent.Model
	clf    *explain.Scorer // ∂CE/∂x of the classifier, CE as its output
	logits *G.Node
	dec    *explain.Scorer // vector-Jacobian products through the decoder
	target *G.Node
	rows   int
	k      int
}

// Run searches a counterfactual for each chosen image and writes
// counterfactuals.png (original | reconstruction | counterfactual |
// counterfactual − reconstruction) and summary.json: success_rate,
// mean_latent_distance and mean_pixel_distance (over successful images) and
// the per-image results.
func Run(o Options) (map[string]any, error) {
	if o.Steps < 1 || !(o.LR > 0) || o.Lambda < 0 || !(o.Confidence > 0 && o.Confidence < 1) || o.N < 1 || o.Show < 0 {
		return nil, fmt.Errorf("counterfactual: need --steps ≥ 1, --lr > 0, --lambda ≥ 0, 0 < --confidence < 1, --n ≥ 1 and --show ≥ 0 (got %d, %v, %v, %v, %d, %d)", o.Steps, o.LR, o.Lambda, o.Confidence, o.N, o.Show)
	}
	inputs, err := explain.ParseInputs(o.Inputs)
	if err != nil {
		return nil, err
	}
	crun, trainSet, testSet, err := explain.OpenImages(o.Run, "explain counterfactual --run", "classifier")
	if err != nil {
		return nil, err
	}
	if o.VAE == "" {
		return nil, fmt.Errorf("explain counterfactual needs the VAE run too: --vae DIR (a run of kind vae on the same data)")
	}
	vrun, vtrain, _, err := explain.OpenImages(o.VAE, "explain counterfactual --vae", "vae")
	if err != nil {
		return nil, err
	}
	if vtrain.C != trainSet.C || vtrain.H != trainSet.H || vtrain.W != trainSet.W {
		return nil, fmt.Errorf("the classifier (%s) reads %d×%d×%d images and the VAE (%s) %d×%d×%d: train both on the same data",
			o.Run, trainSet.C, trainSet.H, trainSet.W, o.VAE, vtrain.C, vtrain.H, vtrain.W)
	}
	if o.Target < 0 || o.Target >= trainSet.Classes {
		return nil, fmt.Errorf("--target %d is not a class of the classifier (allowed: 0..%d)", o.Target, trainSet.Classes-1)
	}
	rows := 100
	if len(inputs) > 0 {
		rows = min(len(inputs), 100)
	} else {
		rows = min(o.N, 100)
	}
	s, err := newSearcher(crun, vrun, rows, o.Executor)
	if err != nil {
		return nil, err
	}
	defer s.close()
	if len(inputs) == 0 {
		if inputs, err = s.defaultInputs(testSet.N, testSet.Labels, testSet.Image, o); err != nil {
			return nil, err
		}
		if len(inputs) == 0 {
			return nil, fmt.Errorf("the classifier assigns every test image to class %d already: nothing to change", o.Target)
		}
	}
	pixels, labels, err := explain.Resolve(inputs, trainSet, testSet)
	if err != nil {
		return nil, err
	}
	var results []Result
	meter := o.Progress
	batches := (len(pixels) + rows - 1) / rows
	for start := 0; start < len(pixels); start += rows {
		end := min(start+rows, len(pixels))
		report := func(step, found int) {
			meter.Report(int64(start/rows*(o.Steps+1)+step), int64(batches*(o.Steps+1)), "steps",
				fmt.Sprintf("batch %d/%d, %d of %d images reached class %d", start/rows+1, batches, found, end-start, o.Target), true)
		}
		rs, err := s.search(pixels[start:end], o, report)
		if err != nil {
			return nil, err
		}
		results = append(results, rs...)
	}
	out, err := explain.Begin(o.Out, "counterfactual", o.Flags())
	if err != nil {
		return nil, err
	}
	if err := draw(out, o, inputs, labels, pixels, results, testSet.C, testSet.H, testSet.W, testSet.ClassName); err != nil {
		return nil, err
	}
	var succ int
	var zd, pd, steps float64
	var per []map[string]any
	for i, r := range results {
		per = append(per, map[string]any{"input": inputs[i].String(), "label": labels[i], "predicted": r.OriginalPred,
			"success": r.Success, "steps": r.Steps, "target_probability": r.TargetProb,
			"latent_distance": r.LatentDistance, "pixel_distance": r.PixelDistance})
		steps += float64(r.Steps)
		if r.Success {
			succ++
			zd += r.LatentDistance
			pd += r.PixelDistance
		}
	}
	summary := map[string]any{
		"run": o.Run, "vae": o.VAE, "executor": s.clf.Executor(), "target": o.Target,
		"target_name": testSet.ClassName(o.Target), "images": len(results),
		"success_rate": float64(succ) / float64(len(results)), "mean_steps": steps / float64(len(results)),
		"mean_latent_distance": meanOrNil(zd, succ), "mean_pixel_distance": meanOrNil(pd, succ),
		"pixel_distance": "L2 norm of decoder(z) - decoder(mu(x)) over all pixels; means over successful images",
		"results":        per,
	}
	if err := out.Finish("counterfactual", summary); err != nil {
		return nil, err
	}
	return summary, nil
}

// meanOrNil is sum/n, or nil (null in summary.json, which cannot hold NaN)
// when no image succeeded.
func meanOrNil(sum float64, n int) any {
	if n == 0 {
		return nil
	}
	return sum / float64(n)
}

func newSearcher(crun, vrun *models.Run, rows int, executor string) (*searcher, error) {
	vae, err := latent.Load(vrun, executor)
	if err != nil {
		return nil, err
	}
	crun.UseExecutor(executor)
	s := &searcher{vae: vae, rows: rows}
	m, err := crun.Classifier(rows, false, 0)
	if err != nil {
		return nil, err
	}
	s.k = m.Config.Classes
	s.target = m.Target
	s.logits = m.Logits
	m.Net.Keep(m.Logits)
	if s.clf, err = explain.NewScorer(m.Net, m.X, m.RowLoss, crun.Executor); err != nil {
		return nil, err
	}
	s.clf.Condition = func(slot, class int) {
		t := engine.Float32s(s.target)[slot*s.k : (slot+1)*s.k]
		clear(t)
		t[class] = 1
	}
	dec, err := vrun.VAEDecoder(rows)
	if err != nil {
		return nil, err
	}
	if s.dec, err = explain.NewScorer(dec.Net, dec.Z, dec.Mean, vrun.Executor); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *searcher) close() {
	s.vae.Close()
	s.clf.Close()
	s.dec.Close()
}

// classify returns CE to the target, ∂CE/∂x and the class probabilities.
func (s *searcher) classify(xs [][]float32, target int) ([]float64, [][]float32, [][]float64, error) {
	qs := make([]explain.Query, len(xs))
	for i, x := range xs {
		qs[i] = explain.Query{X: x, Output: 0, Class: target}
	}
	r, err := s.clf.Eval(qs)
	if err != nil {
		return nil, nil, nil, err
	}
	lg, err := explain.Values(s.logits)
	if err != nil {
		return nil, nil, nil, err
	}
	probs := make([][]float64, len(xs))
	for i := range xs {
		probs[i] = softmax(lg[i*s.k : (i+1)*s.k])
	}
	return r.Score, r.Grad, probs, nil
}

// defaultInputs picks the first o.N test images that are neither labelled
// nor classified as the target, so every search has something to change.
func (s *searcher) defaultInputs(n int, labels []int, image func(int) []float32, o Options) ([]explain.Input, error) {
	var out []explain.Input
	for start := 0; start < n && len(out) < o.N; start += s.rows {
		var idx []int
		var xs [][]float32
		for i := start; i < min(start+s.rows, n); i++ {
			if labels[i] != o.Target {
				idx = append(idx, i)
				xs = append(xs, image(i))
			}
		}
		if len(xs) == 0 {
			continue
		}
		_, _, probs, err := s.classify(xs, o.Target)
		if err != nil {
			return nil, err
		}
		for k, i := range idx {
			if nets.Argmax(probs[k]) != o.Target && len(out) < o.N {
				out = append(out, explain.Input{Split: "test", Index: i})
			}
		}
	}
	return out, nil
}

// search runs the latent search for up to s.rows images, calling report
// after each step with the step and the number of images that succeeded.
func (s *searcher) search(xs [][]float32, o Options, report func(step, found int)) ([]Result, error) {
	z0, _, err := s.vae.Encode(xs)
	if err != nil {
		return nil, err
	}
	_, _, p0, err := s.classify(xs, o.Target)
	if err != nil {
		return nil, err
	}
	n, L := len(xs), len(z0[0])
	res := make([]Result, n)
	z := make([][]float32, n)
	m, v := make([][]float64, n), make([][]float64, n)
	for i := range z {
		z[i] = append([]float32(nil), z0[i]...)
		m[i], v[i] = make([]float64, L), make([]float64, L)
		res[i] = Result{Z0: z0[i], OriginalPred: nets.Argmax(p0[i])}
	}
	done := make([]bool, n)
	const b1, b2, eps = 0.9, 0.999, 1e-8
	for step := 0; ; step++ {
		x, err := s.vae.Decode(z)
		if err != nil {
			return nil, err
		}
		_, gx, probs, err := s.classify(x, o.Target)
		if err != nil {
			return nil, err
		}
		for i := range z {
			if step == 0 {
				res[i].Recon = x[i] // z starts at z0: the first decoding is the reconstruction
			}
			if done[i] {
				continue
			}
			res[i].Steps = step
			res[i].CF = x[i]
			res[i].Z = append([]float32(nil), z[i]...)
			res[i].TargetProb = probs[i][o.Target]
			if nets.Argmax(probs[i]) == o.Target && probs[i][o.Target] >= o.Confidence {
				res[i].Success = true
				done[i] = true
			}
		}
		report(step, countTrue(done))
		if step == o.Steps || !slices.Contains(done, false) {
			break
		}
		qs := make([]explain.Query, n)
		for i := range qs {
			qs[i] = explain.Query{X: z[i], Weights: gx[i]}
		}
		r, err := s.dec.Eval(qs)
		if err != nil {
			return nil, err
		}
		t := float64(step + 1)
		for i := range z {
			if done[i] {
				continue
			}
			for d := 0; d < L; d++ {
				g := float64(r.Grad[i][d]) + 2*o.Lambda*float64(z[i][d]-z0[i][d])
				m[i][d] = b1*m[i][d] + (1-b1)*g
				v[i][d] = b2*v[i][d] + (1-b2)*g*g
				mh := m[i][d] / (1 - math.Pow(b1, t))
				vh := v[i][d] / (1 - math.Pow(b2, t))
				z[i][d] -= float32(o.LR * mh / (math.Sqrt(vh) + eps))
			}
		}
	}
	for i := range res {
		res[i].LatentDistance = dist(res[i].Z, res[i].Z0)
		res[i].PixelDistance = dist(res[i].CF, res[i].Recon)
	}
	return res, nil
}

// countTrue counts the true values of bs.
func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// draw writes counterfactuals.png for the first o.Show images.
func draw(out *explain.Out, o Options, inputs []explain.Input, labels []int, pixels [][]float32, rs []Result, c, h, w int, name func(int) string) error {
	n := min(o.Show, len(rs))
	if n == 0 {
		return nil
	}
	var tiles [][]float32
	var rowLabels []string
	hi := 0.0
	diffs := make([][]float64, n)
	for i := 0; i < n; i++ {
		diffs[i] = make([]float64, h*w)
		for ch := 0; ch < c; ch++ {
			for j := range diffs[i] {
				diffs[i][j] += float64(rs[i].CF[ch*h*w+j]-rs[i].Recon[ch*h*w+j]) / float64(c)
			}
		}
		hi = math.Max(hi, explain.MaxAbs(diffs[i]))
	}
	for i := 0; i < n; i++ {
		tiles = append(tiles, explain.GrayTile(pixels[i], c, h, w), explain.GrayTile(rs[i].Recon, c, h, w),
			explain.GrayTile(rs[i].CF, c, h, w), explain.ColorTile(diffs[i], h, w, -hi, hi, true))
		status := "ok"
		if !rs[i].Success {
			status = "FAILED"
		}
		rowLabels = append(rowLabels, fmt.Sprintf("%s %s->%s p=%.2f %s |dz|=%.2f", inputs[i], name(labels[i]), name(o.Target), rs[i].TargetProb, status, rs[i].LatentDistance))
	}
	sheet := explain.Sheet(explain.SheetSpec{
		Title:   fmt.Sprintf("Counterfactuals towards class %s (latent search, lambda %.3g)", name(o.Target), o.Lambda),
		Columns: []string{"original", "recon", "counterfactual", "cf - recon"}, RowLabels: rowLabels,
		Tiles: tiles, H: h, W: w, Cols: 4,
		Bar: &explain.Bar{Lo: -hi, Hi: hi, Diverging: true, Label: "cf - recon"},
	})
	return out.PNG("counterfactuals.png", sheet)
}

func softmax(l []float32) []float64 {
	m := math.Inf(-1)
	for _, v := range l {
		m = math.Max(m, float64(v))
	}
	p := make([]float64, len(l))
	var s float64
	for i, v := range l {
		p[i] = math.Exp(float64(v) - m)
		s += p[i]
	}
	for i := range p {
		p[i] /= s
	}
	return p
}

func dist(a, b []float32) float64 {
	var s float64
	for i := range a {
		d := float64(a[i] - b[i])
		s += d * d
	}
	return math.Sqrt(s)
}
