package featviz

import (
	"fmt"
	"math"
	"strings"

	"genxai/data"
	"genxai/nets"
	"genxai/xai/explain"
)

// judgement is the judge VAE's verdict: the ELBO of each kept picture (by
// row) and the ELBO range of each class's test images.
type judgement struct {
	elbo   map[int]float64
	ranges []elboRange
}

// judgeAll scores the kept pictures and every test image with the judge VAE.
func (o Options) judgeAll(s *synthesis, best [][]int, l layout, clf *classifier, ref *pass, trainSet, testSet *data.Images) (*judgement, error) {
	j, err := o.openJudge(trainSet)
	if err != nil {
		return nil, err
	}
	defer j.Close()
	var rows []int
	var xs [][]float32
	for _, b := range best {
		for _, i := range b {
			rows = append(rows, i)
			xs = append(xs, s.xs[i])
		}
	}
	e, err := j.elbo(xs)
	if err != nil {
		return nil, err
	}
	jd := &judgement{elbo: map[int]float64{}}
	for k, i := range rows {
		jd.elbo[i] = e[k]
	}
	if jd.ranges, err = j.classRanges(testSet, clf.classes); err != nil {
		return nil, err
	}
	return jd, nil
}

// tables are the rows of featviz.csv and summary.json.
type tables struct {
	objective   string
	rows        []map[string]any // per target
	pictures    []map[string]any // per kept picture
	classes     []map[string]any // per class target, with a judge
	labels      []string         // row labels of featviz.png
	bestTrain   []int            // per target, the compared image scoring highest
	beats       int
	met, judged int
}

// report compares the kept pictures with the compared training images and,
// with a judgement, with the class's test images.
func report(s *synthesis, best [][]int, l layout, clf *classifier, ref *pass, pick []int, trainSet *data.Images, jd *judgement) *tables {
	tb := &tables{}
	var kinds []string
	for t, tg := range l.targets {
		if !strings.Contains(strings.Join(kinds, ","), tg.Kind) {
			kinds = append(kinds, tg.Kind)
		}
		bestV, arg := math.Inf(-1), 0
		for q := range ref.values {
			if v := ref.values[q][t]; v > bestV {
				bestV, arg = v, q
			}
		}
		tb.bestTrain = append(tb.bestTrain, arg)
		name := tg.String()
		if k := tg.Class(); k >= 0 {
			name = tg.Kind + " " + trainSet.ClassName(k)
		} else if tg.Kind == "unit" {
			name = fmt.Sprintf("unit %d", tg.Index)
		}
		reached := math.Inf(-1)
		bestTrainProb := math.NaN()
		if k := tg.Class(); k >= 0 {
			bestTrainProb = 0
			for _, o := range ref.out {
				bestTrainProb = math.Max(bestTrainProb, clf.prob(o)[k])
			}
		}
		var met, judged bool
		bestPic := -1
		for k, i := range best[t] {
			reached = math.Max(reached, s.values[i])
			p := clf.prob(s.out[i])
			pred := nets.Argmax(p)
			pic := map[string]any{"target": tg.String(), "name": name, "picture": k, "value": s.values[i],
				"best_training_value": bestV, "predicted": pred, "predicted_name": trainSet.ClassName(pred), "predicted_probability": p[pred]}
			if c := tg.Class(); c >= 0 {
				pic["class_probability"] = p[c]
				pic["best_training_probability"] = bestTrainProb
				pic["probability_reached"] = p[c] >= bestTrainProb
			}
			if jd != nil {
				e := jd.elbo[i]
				pic["elbo"] = e
				if c := tg.Class(); c >= 0 {
					r := jd.ranges[c]
					in := e >= r.Min && e <= r.Max
					pic["elbo_in_range"], pic["elbo_in_p5_p95"] = in, e >= r.P5 && e <= r.P95
					ok := in && p[c] >= bestTrainProb
					pic["target_met"] = ok
					judged = true
					if ok && !met || bestPic < 0 || (ok == met && p[c] > clf.prob(s.out[bestPic])[c]) {
						bestPic = i
					}
					met = met || ok
				}
			}
			tb.pictures = append(tb.pictures, pic)
		}
		if reached > bestV {
			tb.beats++
		}
		label := fmt.Sprintf("%s: %.2f (best train %.2f)", name, reached, bestV)
		if c := tg.Class(); c >= 0 && jd != nil && bestPic >= 0 {
			label = fmt.Sprintf("%s: p %s (train %s), ELBO %.0f", name, probLabel(clf.prob(s.out[bestPic])[c]), probLabel(bestTrainProb), jd.elbo[bestPic])
		}
		tb.labels = append(tb.labels, label)
		tb.rows = append(tb.rows, map[string]any{"target": tg.String(), "name": name, "value": reached, "best_training_value": bestV,
			"best_training_image": fmt.Sprintf("train:%d", pick[arg]), "beats_all": reached > bestV,
			"pictures_mean_cosine": meanCosine(clf, rowsOf(s.out, best[t]))})
		if judged {
			c := tg.Class()
			r := jd.ranges[c]
			e := jd.elbo[bestPic]
			p := clf.prob(s.out[bestPic])[c]
			tb.classes = append(tb.classes, map[string]any{"class": c, "name": trainSet.ClassName(c), "target": tg.String(),
				"picture_probability": p, "best_training_probability": bestTrainProb, "picture_elbo": e,
				"test_elbo_min": r.Min, "test_elbo_p5": r.P5, "test_elbo_median": r.Median, "test_elbo_p95": r.P95, "test_elbo_max": r.Max,
				"test_images": r.N, "probability_reached": p >= bestTrainProb, "elbo_in_range": e >= r.Min && e <= r.Max,
				"elbo_in_p5_p95": e >= r.P5 && e <= r.P95, "met": met})
			tb.judged++
			if met {
				tb.met++
			}
		}
	}
	tb.objective = strings.Join(kinds, ",")
	return tb
}

// rowsOf is out at the given rows.
func rowsOf(out [][]float32, rows []int) [][]float32 {
	r := make([][]float32, len(rows))
	for i, j := range rows {
		r[i] = out[j]
	}
	return r
}

// write draws featviz.png and writes featviz.csv.
func (tb *tables) write(out *explain.Out, o Options, s *synthesis, best [][]int, l layout, train [][]float32, c, h, w int) error {
	var tiles [][]float32
	cols := []string{}
	for k := range l.n {
		cols = append(cols, fmt.Sprintf("picture %d", k+1))
	}
	cols = append(cols, "best of train")
	for t := range l.targets {
		for _, i := range best[t] {
			tiles = append(tiles, explain.GrayTile(s.xs[i], c, h, w))
		}
		tiles = append(tiles, explain.GrayTile(train[tb.bestTrain[t]], c, h, w))
	}
	title := fmt.Sprintf("Feature visualization, %s prior (%d steps", o.Prior, o.Params.Steps)
	switch o.Prior {
	case "pixel":
		title += fmt.Sprintf(", L2 %.g, TV %.g, jitter %d)", o.Params.L2, o.Params.TV, o.Params.Jitter)
	case "freq":
		title += fmt.Sprintf(", jitter %d, rotate %g°, scale ±%g)", o.Params.Jitter, o.Params.Rotate, o.Params.Scale)
	default:
		title += fmt.Sprintf(", %d restarts, latent L2 %g)", o.Restarts, o.LatentL2)
	}
	sheet := explain.Sheet(explain.SheetSpec{Title: title, Columns: cols, RowLabels: tb.labels, Tiles: tiles, H: h, W: w, Cols: l.n + 1})
	if err := out.PNG("featviz.png", sheet); err != nil {
		return err
	}
	keys := []string{"target", "name", "picture", "value", "best_training_value", "predicted", "predicted_name", "predicted_probability",
		"class_probability", "best_training_probability", "probability_reached", "elbo", "elbo_in_range", "elbo_in_p5_p95", "target_met"}
	var b strings.Builder
	b.WriteString(strings.Join(keys, ",") + "\n")
	for _, p := range tb.pictures {
		for j, k := range keys {
			if j > 0 {
				b.WriteByte(',')
			}
			if v, ok := p[k]; ok {
				fmt.Fprint(&b, v)
			}
		}
		b.WriteByte('\n')
	}
	return out.WriteFile("featviz.csv", []byte(b.String()))
}

// probLabel writes a probability so that values near 1 stay apart: 0.973,
// 1−3e-06 above 0.999, and 1 where float32's log-softmax rounds to 0.
func probLabel(p float64) string {
	if p >= 1 {
		return "1"
	}
	if p > 0.999 {
		return fmt.Sprintf("1−%.0e", 1-p)
	}
	return fmt.Sprintf("%.3f", p)
}
