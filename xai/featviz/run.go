package featviz

import (
	"fmt"
	"math"
	"math/rand"
	"strconv"
	"strings"

	"genxai/xai/explain"
	"genxai/xai/progress"
)

// Options are the settings of `genxai explain featviz`.
type Options struct {
	Run     string // classifier run directory
	Out     string // output directory
	Classes string // comma-separated classes whose logits are maximized; "" = all
	Units   string // comma-separated units of the last hidden layer to maximize instead of logits
	Compare int    // random training images the results are compared with
	Params  Params
	// Progress reports the search's steps (nil: silent); the command
	// makes it with progress.New on stderr.
	Progress *progress.Meter
	Executor string
}

// Flags returns the options as config.yaml settings.
func (o Options) Flags() map[string]any {
	p := o.Params
	return map[string]any{"run": o.Run, "classes": o.Classes, "units": o.Units, "compare": o.Compare,
		"steps": p.Steps, "lr": p.LR, "l2": p.L2, "tv": p.TV, "jitter": p.Jitter, "blur_every": p.BlurEvery,
		"blur_sigma": p.BlurSigma, "seed": p.Seed, "executor": o.Executor}
}

// Run maximizes each chosen class logit (or hidden unit) of a classifier run
// and writes featviz.png, one row per target: the visualization beside the
// training image (of the compared ones) that scores highest on the same
// target; and summary.json with, per target, the value reached, the largest
// value among Compare random training images, and whether the visualization
// beats all of them (beats_all_fraction over the targets).
func Run(o Options) (map[string]any, error) {
	if o.Compare < 1 {
		return nil, fmt.Errorf("--compare must be at least 1, got %d", o.Compare)
	}
	run, trainSet, _, err := explain.OpenImages(o.Run, "explain featviz", "classifier")
	if err != nil {
		return nil, err
	}
	units := strings.TrimSpace(o.Units) != ""
	probe, err := run.Classifier(1, false, 0)
	if err != nil {
		return nil, err
	}
	limit, kind := probe.Config.Classes, "class"
	if units {
		limit, kind = probe.Features.Shape()[1], "unit"
	}
	spec := o.Classes
	if units {
		spec = o.Units
	}
	targets, err := parseList(spec, limit, kind)
	if err != nil {
		return nil, err
	}
	if len(targets) > 512 {
		return nil, fmt.Errorf("%d targets at once is too many (at most 512); pass fewer with --classes or --units", len(targets))
	}
	m, err := run.Classifier(len(targets), false, 0)
	if err != nil {
		return nil, err
	}
	node, what := m.Logits, "logit"
	if units {
		node, what = m.Features, "activation of hidden unit"
	}
	s, err := explain.NewScorer(m.Net, m.X, node, run.Executor)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	c, h, w := trainSet.C, trainSet.H, trainSet.W
	imgs, reached, err := Maximize(s, c, h, w, targets, o.Params, o.Progress)
	if err != nil {
		return nil, err
	}

	// Compare with random training images: every target's value on each.
	rng := rand.New(rand.NewSource(o.Params.Seed + 17))
	pick := rng.Perm(trainSet.N)[:min(o.Compare, trainSet.N)]
	var qs []explain.Query
	for _, i := range pick {
		qs = append(qs, explain.Query{X: trainSet.Image(i), Output: 0})
	}
	r, err := s.Eval(qs)
	if err != nil {
		return nil, err
	}
	out, err := explain.Begin(o.Out, "featviz", o.Flags())
	if err != nil {
		return nil, err
	}
	var tiles [][]float32
	var labels []string
	var rows []map[string]any
	beats := 0
	for t, k := range targets {
		best, arg := math.Inf(-1), 0
		for q := range qs {
			if v := float64(r.Outputs[q][k]); v > best {
				best, arg = v, q
			}
		}
		if reached[t] > best {
			beats++
		}
		name := fmt.Sprintf("unit %d", k)
		if !units {
			name = "class " + trainSet.ClassName(k)
		}
		tiles = append(tiles, explain.GrayTile(imgs[t], c, h, w), explain.GrayTile(trainSet.Image(pick[arg]), c, h, w))
		labels = append(labels, fmt.Sprintf("%s: %.2f (best train %.2f)", name, reached[t], best))
		rows = append(rows, map[string]any{"target": k, "name": name, "value": reached[t], "best_training_value": best,
			"best_training_image": fmt.Sprintf("train:%d", pick[arg]), "beats_all": reached[t] > best})
	}
	sheet := explain.Sheet(explain.SheetSpec{
		Title:   fmt.Sprintf("Activation maximization of the %s (%d steps, L2 %.g, TV %.g, jitter %d)", what, o.Params.Steps, o.Params.L2, o.Params.TV, o.Params.Jitter),
		Columns: []string{"maximized", "best of train"}, RowLabels: labels,
		Tiles: tiles, H: h, W: w, Cols: 2,
	})
	if err := out.PNG("featviz.png", sheet); err != nil {
		return nil, err
	}
	summary := map[string]any{"run": o.Run, "executor": s.Executor(), "objective": what, "targets": rows,
		"compared_images": len(pick), "beats_all_fraction": float64(beats) / float64(len(targets))}
	if err := out.Finish("featviz", summary); err != nil {
		return nil, err
	}
	return summary, nil
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
