package latent

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"

	"genxai/runs"
	"genxai/viz"
	"genxai/xai/explain"
)

// AnomalyOptions are the settings of `genxai explain anomaly`.
type AnomalyOptions struct {
	Run      string // VAE run directory
	Out      string // output directory
	Inputs   string // images to draw maps of; "" = 8 of the training classes and 8 of the excluded ones (or the first 16)
	Samples  int    // 1 = negative ELBO; K > 1 = importance-weighted bound with K samples
	Limit    int    // score at most this many test images; 0 = all
	Seed     int64  // seed of the noise draws
	Executor string
}

// Flags returns the options as config.yaml settings.
func (o AnomalyOptions) Flags() map[string]any {
	return map[string]any{"run": o.Run, "input": o.Inputs, "samples": o.Samples, "limit": o.Limit, "seed": o.Seed, "executor": o.Executor}
}

// check reports the first option out of range.
func (o AnomalyOptions) check() error {
	if o.Samples < 1 || o.Samples > 10000 {
		return fmt.Errorf("--samples must be in 1..10000, got %d", o.Samples)
	}
	if o.Limit < 0 {
		return fmt.Errorf("--limit must be ≥ 0 (0 = the whole test set), got %d", o.Limit)
	}
	return nil
}

// Anomaly scores every test image of a VAE run with Model.Score and writes
// anomaly_maps.png (input | reconstruction | per-pixel |x − x̂| with a colour
// bar, x̂ the decoding of the posterior mean), scores.csv (one row per test
// image), score_by_class.png (mean score of each class) and summary.json. When
// the run left classes out of training (data.exclude_classes), the test
// images of those classes are the positives and all others the negatives:
// the summary gives the ROC-AUC of the score (roc_auc) and roc.png the curve.
func Anomaly(o AnomalyOptions) (map[string]any, error) {
	v, out, err := start("anomaly", o, o.Run, o.Inputs, o.Executor, o.Out)
	if err != nil {
		return nil, err
	}
	inputs, run, trainSet, testSet, m := v.inputs, v.run, v.trainSet, v.test, v.model
	defer m.Close()
	cfg := m.Config
	excluded := run.ExcludedClasses()
	isOut := func(label int) bool { return slices.Contains(excluded, label) }

	n := testSet.N
	if o.Limit > 0 {
		n = min(n, o.Limit)
	}
	xs := make([][]float32, n)
	for i := range xs {
		xs[i] = testSet.Image(i)
	}
	scores, err := m.Score(xs, o.Samples, o.Seed)
	if err != nil {
		return nil, err
	}

	// Per-class means and the CSV of every score.
	sum := make([]float64, testSet.Classes)
	cnt := make([]int, testSet.Classes)
	rows := make([][]string, n)
	for i := range rows {
		l := testSet.Labels[i]
		sum[l] += scores[i]
		cnt[l]++
		rows[i] = []string{"test", strconv.Itoa(i), strconv.Itoa(l), testSet.ClassName(l),
			strconv.FormatBool(isOut(l)), strconv.FormatFloat(scores[i], 'g', 6, 64)}
	}
	if err := runs.WriteCSV(out.Dir.File("scores.csv"), []string{"split", "index", "label", "class", "excluded", "score"}, rows); err != nil {
		return nil, err
	}
	out.Record("scores.csv")
	var names []string
	var means []float64
	byClass := map[string]float64{}
	for k := range sum {
		if cnt[k] == 0 {
			continue
		}
		name := testSet.ClassName(k)
		if isOut(k) {
			name += " (excluded)"
		}
		names = append(names, name)
		means = append(means, sum[k]/float64(cnt[k]))
		byClass[name] = sum[k] / float64(cnt[k])
	}
	if err := viz.BarChart(out.Dir.File("score_by_class.png"), "Mean anomaly score by class (nats)", scoreName(o.Samples), names, means); err != nil {
		return nil, err
	}
	out.Record("score_by_class.png")

	summary := map[string]any{
		"run": o.Run, "executor": m.Executor(), "score": scoreName(o.Samples), "samples": o.Samples,
		"test_images": n, "mean_score_by_class": byClass, "excluded_classes": excluded,
	}
	if len(excluded) > 0 {
		pos := make([]bool, n)
		np := 0
		for i := range pos {
			pos[i] = isOut(testSet.Labels[i])
			if pos[i] {
				np++
			}
		}
		if np == 0 || np == n {
			return nil, fmt.Errorf("the %d test images scored hold %s of the excluded classes %v: ROC-AUC needs both kinds (raise --limit or leave it at 0)", n, map[bool]string{true: "only images", false: "no images"}[np == n], excluded)
		}
		auc := ROCAUC(scores, pos)
		fpr, tpr := ROCCurve(scores, pos)
		summary["roc_auc"] = auc
		summary["positives"] = np
		summary["negatives"] = n - np
		title := fmt.Sprintf("ROC of the anomaly score: excluded classes %v against the rest (AUC %.4f)", excluded, auc)
		if err := viz.LinePlot(out.Dir.File("roc.png"), title, "false positive rate", "true positive rate",
			[]viz.Series{{Name: "anomaly score", X: fpr, Y: tpr}, {Name: "chance", X: []float64{0, 1}, Y: []float64{0, 1}}}); err != nil {
			return nil, err
		}
		out.Record("roc.png")
	}

	// Maps of the chosen images.
	if len(inputs) == 0 {
		inputs = defaultAnomalyInputs(testSet.Labels[:n], isOut)
	}
	px, lab, err := explain.Resolve(inputs, trainSet, testSet)
	if err != nil {
		return nil, err
	}
	rec, err := m.Reconstruct(px)
	if err != nil {
		return nil, err
	}
	shownScores, err := m.Score(px, o.Samples, o.Seed)
	if err != nil {
		return nil, err
	}
	maps := make([][]float64, len(px))
	hi := 0.0
	for i := range px {
		maps[i] = make([]float64, cfg.H*cfg.W)
		for c := 0; c < cfg.C; c++ {
			for j := range maps[i] {
				k := c*cfg.H*cfg.W + j
				maps[i][j] += math.Abs(float64(px[i][k]-rec[i][k])) / float64(cfg.C)
			}
		}
		hi = math.Max(hi, slices.Max(maps[i]))
	}
	if hi == 0 {
		hi = 1
	}
	var tiles [][]float32
	var labels []string
	for i := range px {
		tiles = append(tiles,
			explain.GrayTile(px[i], cfg.C, cfg.H, cfg.W),
			explain.GrayTile(rec[i], cfg.C, cfg.H, cfg.W),
			explain.ColorTile(maps[i], cfg.H, cfg.W, 0, hi, false))
		tag := ""
		if isOut(lab[i]) {
			tag = " EXCLUDED"
		}
		labels = append(labels, fmt.Sprintf("%s %s%s score %.1f", inputs[i], testSet.ClassName(lab[i]), tag, shownScores[i]))
	}
	sheet := explain.Sheet(explain.SheetSpec{
		Title:   fmt.Sprintf("Anomaly maps: per-pixel |x - x^| (score: %s, nats)", scoreName(o.Samples)),
		Columns: []string{"input x", "recon x^", "|x - x^|"}, RowLabels: labels,
		Tiles: tiles, H: cfg.H, W: cfg.W, Cols: 3,
		Bar: &explain.Bar{Lo: 0, Hi: hi, Label: "|x - x^|"},
	})
	if err := out.PNG("anomaly_maps.png", sheet); err != nil {
		return nil, err
	}
	shown := map[string]float64{}
	for i, in := range inputs {
		shown[in.String()] = shownScores[i]
	}
	summary["shown_scores"] = shown
	if err := out.Finish("anomaly", summary); err != nil {
		return nil, err
	}
	return summary, nil
}

// scoreName says which estimate the score is.
func scoreName(samples int) string {
	if samples == 1 {
		return "negative ELBO (1 sample)"
	}
	return fmt.Sprintf("importance-weighted -log p(x) (%d samples)", samples)
}

// defaultAnomalyInputs picks up to 8 test images of the training classes and
// 8 of the excluded ones (the first 16 when nothing was excluded).
func defaultAnomalyInputs(labels []int, isOut func(int) bool) []explain.Input {
	var in, out []explain.Input
	for i, l := range labels {
		if isOut(l) {
			if len(out) < 8 {
				out = append(out, explain.Input{Split: "test", Index: i})
			}
		} else if len(in) < 8 || (len(out) == 0 && len(in) < 16) {
			in = append(in, explain.Input{Split: "test", Index: i})
		}
	}
	if len(out) > 0 && len(in) > 8 {
		in = in[:8]
	}
	return append(in, out...)
}

// ROCAUC is the area under the ROC curve of scores for the labels pos (true =
// positive, higher score = more positive): the Mann–Whitney statistic
// P(score of a positive > score of a negative), ties counting one half,
// computed from mid-ranks. It is NaN when either class is empty.
func ROCAUC(scores []float64, pos []bool) float64 {
	n := len(scores)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return scores[idx[a]] < scores[idx[b]] })
	var rankSum float64
	np := 0
	for i := 0; i < n; {
		j := i
		for j < n && scores[idx[j]] == scores[idx[i]] {
			j++
		}
		mid := float64(i+j+1) / 2 // mean of the 1-based ranks i+1..j
		for k := i; k < j; k++ {
			if pos[idx[k]] {
				rankSum += mid
				np++
			}
		}
		i = j
	}
	nn := n - np
	if np == 0 || nn == 0 {
		return math.NaN()
	}
	return (rankSum - float64(np)*float64(np+1)/2) / (float64(np) * float64(nn))
}

// ROCCurve returns the false and true positive rates of every threshold on
// scores, from the highest threshold down (starting at 0,0 and ending at 1,1).
func ROCCurve(scores []float64, pos []bool) (fpr, tpr []float64) {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
	var np, nn float64
	for _, p := range pos {
		if p {
			np++
		} else {
			nn++
		}
	}
	fpr, tpr = []float64{0}, []float64{0}
	var tp, fp float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			if pos[idx[j]] {
				tp++
			} else {
				fp++
			}
			j++
		}
		fpr = append(fpr, fp/math.Max(nn, 1))
		tpr = append(tpr, tp/math.Max(np, 1))
		i = j
	}
	return fpr, tpr
}
