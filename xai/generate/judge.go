package generate

import (
	"fmt"
	"io"
	"strings"

	"genxai/models"
)

// judgeBatch is the batch size of the judge classifier's graph.
const judgeBatch = 500

// judge scores an export with a trained classifier as it is written: for a
// conditional model, the share of images the classifier assigns to the
// class they were generated for (the conditioning accuracy of the GAN's
// training metrics, and the "classification accuracy score" idea of
// Ravuri & Vinyals 2019 read the other way round); for any model, the
// share of images it assigns to each class.
type judge struct {
	dir       string
	tc        *models.TrainedClassifier
	names     []string
	hits      []int // per requested class: images the judge agrees on
	requested []int // per requested class: images generated
	predicted []int // per class: images the judge assigns to it
}

// openJudge loads the classifier run dir and checks that it reads images of
// the source's shape in the source's classes.
func openJudge(dir string, s *source) (*judge, error) {
	r, err := models.Open(dir)
	if err == nil {
		err = r.Expect("--judge", "classifier")
	}
	if err != nil {
		return nil, fmt.Errorf("judge: %w", err)
	}
	tc, err := r.TrainedClassifier(judgeBatch)
	if err != nil {
		return nil, fmt.Errorf("judge %s: %w", dir, err)
	}
	jc := tc.Model.Config
	if jc.C != s.c || jc.H != s.h || jc.W != s.w || (s.classes > 0 && jc.Classes != s.classes) {
		tc.Close()
		return nil, fmt.Errorf("judge %s takes %d×%d×%d images in %d classes, but the generator makes %d×%d×%d images in %d classes: give a classifier trained on the generator's data set",
			dir, jc.C, jc.H, jc.W, jc.Classes, s.c, s.h, s.w, s.classes)
	}
	tr, _, err := r.Images()
	if err != nil {
		tc.Close()
		return nil, err
	}
	k := jc.Classes
	return &judge{dir: dir, tc: tc, names: tr.AllClassNames(), hits: make([]int, k), requested: make([]int, k), predicted: make([]int, k)}, nil
}

// score classifies a chunk of images generated for labels (nil: none).
func (j *judge) score(imgs [][]float32, labels []int) error {
	_, pred, err := j.tc.Score(imgs)
	if err != nil {
		return fmt.Errorf("judge %s: %w", j.dir, err)
	}
	for i, p := range pred {
		j.predicted[p]++
		if labels != nil {
			j.requested[labels[i]]++
			if p == labels[i] {
				j.hits[labels[i]]++
			}
		}
	}
	return nil
}

// agreement is the share of conditioned images assigned to their class
// (NaN-free: 0 when none were conditioned) and the number conditioned.
func (j *judge) agreement() (float64, int) {
	hit, n := 0, 0
	for k := range j.hits {
		hit += j.hits[k]
		n += j.requested[k]
	}
	if n == 0 {
		return 0, 0
	}
	return float64(hit) / float64(n), n
}

// report prints the judge's verdict: agreement overall and per requested
// class for a conditional export, the predicted class shares otherwise.
func (j *judge) report(w io.Writer) map[string]any {
	out := map[string]any{"judge_run": j.dir}
	total := 0
	for _, v := range j.predicted {
		total += v
	}
	if acc, n := j.agreement(); n > 0 {
		fmt.Fprintf(w, "quality: judge %s agrees with the requested class on %.1f%% of %d images\n", j.dir, 100*acc, n)
		per := map[string]float64{}
		var parts []string
		for k, r := range j.requested {
			if r > 0 {
				a := float64(j.hits[k]) / float64(r)
				per[j.name(k)] = a
				parts = append(parts, fmt.Sprintf("%s %.1f%%", j.name(k), 100*a))
			}
		}
		fmt.Fprintf(w, "  per class: %s\n", strings.Join(parts, ", "))
		out["judge_agreement"], out["judge_agreement_per_class"] = acc, per
		return out
	}
	shares := map[string]float64{}
	var parts []string
	for k, v := range j.predicted {
		shares[j.name(k)] = float64(v) / float64(max(total, 1))
		parts = append(parts, fmt.Sprintf("%s %.1f%%", j.name(k), 100*float64(v)/float64(max(total, 1))))
	}
	fmt.Fprintf(w, "quality: judge %s assigns the %d images to classes: %s\n", j.dir, total, strings.Join(parts, ", "))
	out["judge_class_shares"] = shares
	return out
}

// name names class k.
func (j *judge) name(k int) string {
	if k < len(j.names) {
		return j.names[k]
	}
	return fmt.Sprint(k)
}

// close releases the classifier's executor.
func (j *judge) close() error { return j.tc.Close() }
