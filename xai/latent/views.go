package latent

import (
	"fmt"
	"math"
	"sort"

	"genxai/data"
	"genxai/xai/explain"
)

// ViewOptions are the settings of `genxai explain latent`.
type ViewOptions struct {
	Run      string  // VAE run directory
	Out      string  // output directory
	Inputs   string  // "test:3,test:17": traverse around the first, interpolate between the first two
	Steps    int     // columns of a traversal (odd, so the centre is a column)
	Range    float64 // a traversal spans centre ± Range·σ, σ = 1 the prior's standard deviation
	Interp   int     // images of an interpolation, the two ends included
	MaxDims  int     // rows of the traversal: the most active dimensions first; 0 = all
	Executor string
}

// Flags returns the options as config.yaml settings.
func (o ViewOptions) Flags() map[string]any {
	return map[string]any{"run": o.Run, "input": o.Inputs, "steps": o.Steps, "range": o.Range, "interpolation_steps": o.Interp, "max_dims": o.MaxDims, "executor": o.Executor}
}

// check reports the first option out of range.
func (o ViewOptions) check() error {
	if o.Steps < 2 {
		return fmt.Errorf("--steps must be at least 2, got %d", o.Steps)
	}
	if !(o.Range > 0) || o.Range > 100 {
		return fmt.Errorf("--range must be in (0, 100], got %v", o.Range)
	}
	if o.Interp < 2 {
		return fmt.Errorf("--interpolation-steps must be at least 2, got %d", o.Interp)
	}
	if o.MaxDims < 0 {
		return fmt.Errorf("--max-dims must be ≥ 0, got %d", o.MaxDims)
	}
	return nil
}

// Views writes traversal.png (one row per latent dimension, columns from
// centre − Range·σ to centre + Range·σ, σ = 1), interpolation.png (the
// decodings of (1−t)·μ(a) + t·μ(b) between two inputs, the inputs at the
// ends) and summary.json (the per-dimension activity and KL).
//
// The traversal's centre is the posterior mean μ of the first --input, or the
// prior mean 0 when no input is given. Its rows are ordered by activity, the
// variance over test images of the posterior mean of each dimension (Burda et
// al., 2016, call a dimension active when it exceeds 0.01); each row is
// labelled with the dimension, its activity and its mean KL.
func Views(o ViewOptions) (map[string]any, error) {
	v, out, err := start("latent", o, o.Run, o.Inputs, o.Executor, o.Out)
	if err != nil {
		return nil, err
	}
	inputs, trainSet, testSet, m := v.inputs, v.trainSet, v.test, v.model
	defer m.Close()
	cfg := m.Config
	L := cfg.Latent

	// Activity and KL of each dimension over (up to 2000) test images.
	n := min(testSet.N, 2000)
	xs := make([][]float32, n)
	for i := range xs {
		xs[i] = testSet.Image(i)
	}
	mu, lv, err := m.Encode(xs)
	if err != nil {
		return nil, err
	}
	activity, kl := dimensionStats(mu, lv)
	order := make([]int, L)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return activity[order[a]] > activity[order[b]] })
	if o.MaxDims > 0 && o.MaxDims < L {
		order = order[:o.MaxDims]
	}
	active := 0
	for _, a := range activity {
		if a > 0.01 {
			active++
		}
	}

	// Traversal.
	centre := make([]float32, L)
	centreName := "the prior mean z = 0"
	if len(inputs) > 0 {
		_, _, c, err := encodeInputs(m, inputs[:1], trainSet, testSet)
		if err != nil {
			return nil, err
		}
		centre = c[0]
		centreName = "the posterior mean of " + inputs[0].String()
	}
	offsets := make([]float64, o.Steps)
	for j := range offsets {
		offsets[j] = -o.Range + 2*o.Range*float64(j)/float64(o.Steps-1)
	}
	var codes [][]float32
	var labels []string
	for _, d := range order {
		for _, off := range offsets {
			z := append([]float32(nil), centre...)
			z[d] += float32(off)
			codes = append(codes, z)
		}
		labels = append(labels, fmt.Sprintf("z%d act %.2f KL %.2f", d, activity[d], kl[d]))
	}
	imgs, err := m.Decode(codes)
	if err != nil {
		return nil, err
	}
	tiles := make([][]float32, len(imgs))
	for i, im := range imgs {
		tiles[i] = explain.GrayTile(im, cfg.C, cfg.H, cfg.W)
	}
	heads := make([]string, len(offsets))
	for j, off := range offsets {
		heads[j] = fmt.Sprintf("%+.1f sd", off)
	}
	sheet := explain.Sheet(explain.SheetSpec{
		Title:   fmt.Sprintf("Latent traversal around %s (rows: dimensions by activity)", centreName),
		Columns: heads, RowLabels: labels, Tiles: tiles, H: cfg.H, W: cfg.W, Cols: len(offsets),
	})
	if err := out.PNG("traversal.png", sheet); err != nil {
		return nil, err
	}

	// Interpolation between two inputs.
	pair := inputs
	if len(pair) < 2 {
		pair = defaultPair(testSet.Labels)
	}
	px, lab, ends, err := encodeInputs(m, pair[:2], trainSet, testSet)
	if err != nil {
		return nil, err
	}
	var path [][]float32
	for j := 0; j < o.Interp; j++ {
		t := float32(j) / float32(o.Interp-1)
		z := make([]float32, L)
		for d := range z {
			z[d] = (1-t)*ends[0][d] + t*ends[1][d]
		}
		path = append(path, z)
	}
	dec, err := m.Decode(path)
	if err != nil {
		return nil, err
	}
	row := []([]float32){explain.GrayTile(px[0], cfg.C, cfg.H, cfg.W)}
	heads = []string{pair[0].String()}
	for j, im := range dec {
		row = append(row, explain.GrayTile(im, cfg.C, cfg.H, cfg.W))
		heads = append(heads, fmt.Sprintf("t=%.2f", float64(j)/float64(o.Interp-1)))
	}
	row = append(row, explain.GrayTile(px[1], cfg.C, cfg.H, cfg.W))
	heads = append(heads, pair[1].String())
	sheet = explain.Sheet(explain.SheetSpec{
		Title: fmt.Sprintf("Interpolation from %s (%s) to %s (%s): inputs at the ends, decodings of (1-t)*mu(a) + t*mu(b) between",
			pair[0], testSet.ClassName(lab[0]), pair[1], testSet.ClassName(lab[1])),
		Columns: heads, Tiles: row, H: cfg.H, W: cfg.W, Cols: len(row),
	})
	if err := out.PNG("interpolation.png", sheet); err != nil {
		return nil, err
	}
	var dist float64
	for d := range ends[0] {
		dist += float64((ends[0][d] - ends[1][d]) * (ends[0][d] - ends[1][d]))
	}
	summary := map[string]any{
		"run": o.Run, "executor": m.Executor(), "latent": L,
		"traversal_centre": centreName, "traversal_range_sigma": o.Range,
		"activity_per_dim": activity, "kl_per_dim": kl, "active_dims": active,
		"activity_images":               n,
		"interpolation_endpoints":       []string{pair[0].String(), pair[1].String()},
		"interpolation_latent_distance": math.Sqrt(dist),
	}
	if err := out.Finish("latent", summary); err != nil {
		return nil, err
	}
	return summary, nil
}

// encodeInputs returns the pixels, labels and posterior means of the inputs.
func encodeInputs(m *Model, inputs []explain.Input, trainSet, testSet *data.Images) (px [][]float32, labels []int, mu [][]float32, err error) {
	if px, labels, err = explain.Resolve(inputs, trainSet, testSet); err != nil {
		return nil, nil, nil, err
	}
	if mu, _, err = m.Encode(px); err != nil {
		return nil, nil, nil, err
	}
	return px, labels, mu, nil
}

// dimensionStats returns, per latent dimension, the variance over images of
// the posterior mean (activity) and the mean KL(q(z_d|x) ‖ N(0,1)).
func dimensionStats(mu, lv [][]float32) (activity, kl []float64) {
	if len(mu) == 0 {
		return nil, nil
	}
	L := len(mu[0])
	activity, kl = make([]float64, L), make([]float64, L)
	n := float64(len(mu))
	for d := 0; d < L; d++ {
		var s, ss, k float64
		for i := range mu {
			m := float64(mu[i][d])
			v := float64(lv[i][d])
			s += m
			ss += m * m
			k += 0.5 * (m*m + math.Exp(v) - v - 1)
		}
		mean := s / n
		activity[d] = math.Max(0, ss/n-mean*mean)
		kl[d] = k / n
	}
	return activity, kl
}

// defaultPair is test:0 and the first test image of another class.
func defaultPair(labels []int) []explain.Input {
	b := 1
	for i, l := range labels {
		if l != labels[0] {
			b = i
			break
		}
	}
	return []explain.Input{{Split: "test", Index: 0}, {Split: "test", Index: b}}
}
