package tabular

import (
	"fmt"
	"slices"

	"genxai/data"
	"genxai/xai/glassbox"
	"genxai/xai/svm"
)

// Target is a tabular model read back from its run directory, with its
// data: what the explainers need.
type Target struct {
	// Kind is "logreg", "ebm" or "svm".
	Kind string
	// Features names the table columns; Levels names the levels of the
	// categorical ones (nil entries for numeric columns, nil when none).
	Features []string
	Levels   [][]string
	// F is the explained output and Output its name.
	F      Batch
	Output string
	// Correct says whether an output is right for label y (classification);
	// nil for a regression, whose metric is the squared error.
	Correct func(score, y float64) bool
	// Train and Held are the training rows and the held-out rows (the test
	// set, or the training rows when the run had none), in table coding.
	Train, Held   []float64
	HeldY         []float64
	NTrain, NHeld int
	// HeldName says which rows Held holds ("test" or "training").
	HeldName string
}

// categorical reports whether feature j is categorical.
func (t *Target) categorical(j int) bool { return t.Levels != nil && t.Levels[j] != nil }

// valueText names feature j's value v.
func (t *Target) valueText(j int, v float64) string {
	if t.categorical(j) && v >= 0 && int(v) < len(t.Levels[j]) {
		return t.Levels[j][int(v)]
	}
	return fmt.Sprintf("%.4g", v)
}

// LoadTarget reads a logistic regression, EBM or SVM run directory.
func LoadTarget(dir string) (*Target, error) {
	kind, err := glassbox.ReadSummaryModel(dir)
	if err != nil {
		return nil, fmt.Errorf("explain tabular: %w", err)
	}
	if kind == "logreg" || kind == "ebm" {
		return glassboxTarget(dir)
	}
	return svmTarget(dir)
}

func glassboxTarget(dir string) (*Target, error) {
	l, err := glassbox.LoadRun(dir)
	if err != nil {
		return nil, fmt.Errorf("explain tabular: %w", err)
	}
	f, name, thr := l.Output()
	t := &Target{Kind: l.Model, Features: l.Features, Levels: l.Levels, F: Func(f).Rows(len(l.Features)), Output: name,
		Train: l.XTrain, NTrain: l.NTrain, Held: l.XTest, HeldY: l.YTest, NHeld: l.NTest, HeldName: "test"}
	if l.XTest == nil {
		t.Held, t.HeldY, t.NHeld, t.HeldName = l.XTrain, l.YTrain, l.NTrain, "training"
	}
	if l.Classes != nil {
		last := float64(len(l.Classes) - 1)
		if l.EBM != nil {
			last = 1
		}
		t.Correct = func(s, y float64) bool { return (s > thr) == (y == last) }
	}
	return t, nil
}

func svmTarget(dir string) (*Target, error) {
	s, train, test, _, yte, err := svm.LoadRun(dir)
	if err != nil {
		return nil, fmt.Errorf("explain tabular: %s is neither a glassbox nor an svm run: %w", dir, err)
	}
	classes := s.Classes()
	if len(classes) != 2 {
		return nil, fmt.Errorf("explain tabular: the svm of %s has %d classes; the decision value explained is that of a binary SVM", dir, len(classes))
	}
	name := func(c int) string {
		if s.ClassNames != nil {
			return s.ClassNames[c]
		}
		return fmt.Sprint(c)
	}
	enc := s.Encoding
	if enc == nil {
		enc = data.NewEncoding(train, false)
	}
	F := func(x []float64, n int, out []float64) {
		ex := enc.EncodeAll(x, n)
		for i, d := range s.DecisionFunction(ex, n) {
			out[i] = d[0]
		}
	}
	toF := func(y []int) []float64 {
		out := make([]float64, len(y))
		for i, v := range y {
			out[i] = float64(v)
		}
		return out
	}
	first := float64(classes[0])
	return &Target{Kind: "svm", Features: slices.Clone(train.Features), Levels: train.Levels, F: F,
		Output:  fmt.Sprintf("decision value (> 0: class %s)", name(classes[0])),
		Correct: func(sc, y float64) bool { return (sc > 0) == (y == first) },
		Train:   train.X, NTrain: train.Rows, Held: test.X, HeldY: toF(yte), NHeld: test.Rows, HeldName: "test",
	}, nil
}
