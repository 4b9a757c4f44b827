package glassbox

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"genxai/config"
	"genxai/xai/progress"
)

// TestEBMMissingBin: missing values of a feature get their own bin with its
// own score; a missing value that speaks for class 1 gets a positive score,
// and a test row with the value missing is scored with it.
func TestEBMMissingBin(t *testing.T) {
	x, y, names := logisticTable(3000, 3, 5)
	nMissing := 0
	for i := range y {
		if i%5 == 0 { // a fifth of x0 missing, nearly all of those class 1
			x[i*3] = math.NaN()
			y[i] = float64(min(1, i%50))
			nMissing++
		}
	}
	m, err := FitEBM(x, y, names, nil, EBMOptions{OuterBags: 2, MaxRounds: 300, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if m.Bins[0].Missing != nMissing || m.Bins[1].Missing != 0 {
		t.Fatalf("missing counts %d, %d; want %d, 0", m.Bins[0].Missing, m.Bins[1].Missing, nMissing)
	}
	if s := m.Terms[0].Scores[0]; s < 0.5 {
		t.Errorf("missing bin score %.3f; want a clearly positive score (missing means class 1)", s)
	}
	if m.Terms[1].Scores[0] != 0 {
		t.Errorf("a feature without missing training values scores missing as %g, want 0", m.Terms[1].Scores[0])
	}
	row := []float64{math.NaN(), 0.1, -0.2}
	e := m.Explain(row)
	if e.Terms[0].Value != "missing" || e.Terms[0].Score != m.Terms[0].Scores[0] || m.Logit(row) != e.Logit {
		t.Errorf("explanation of a missing value: %+v", e.Terms[0])
	}
}

// TestRunEBMMissingCSV: empty and NA cells in the train and test CSV files
// are missing values for the EBM (shapes.csv and explanations.csv say
// "missing"), while logistic regression refuses them with file, line and
// column.
func TestRunEBMMissingCSV(t *testing.T) {
	dir := t.TempDir()
	x, y, _ := logisticTable(400, 2, 3)
	var b strings.Builder
	b.WriteString("a,b,y\n")
	for i := range y {
		a := formatG(x[2*i])
		if i%4 == 0 {
			a = []string{"", "NA", "nan"}[i%3]
		}
		b.WriteString(a + "," + formatG(x[2*i+1]) + "," + formatG(y[i]) + "\n")
	}
	train := filepath.Join(dir, "train.csv")
	if err := os.WriteFile(train, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	test := filepath.Join(dir, "test.csv")
	if err := os.WriteFile(test, []byte("a,b,y\n,0.5,1\n0.3,0.1,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "run")
	c := parseConfig(t, config.EBMSchema(), "train: "+train+"\ntest: "+test+"\nlabel: y\nouter_bags: 2\nmax_rounds: 100\ntop_terms: 2\n", "out="+out)
	if _, err := RunEBM(context.Background(), c, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	shapes, _ := os.ReadFile(filepath.Join(out, "shapes.csv"))
	if !strings.Contains(string(shapes), "a,0,missing,") {
		t.Errorf("shapes.csv has no missing bin for a:\n%.300s", shapes)
	}
	expl, _ := os.ReadFile(filepath.Join(out, "explanations.csv"))
	if !strings.Contains(string(expl), "test,0,1,") || !strings.Contains(string(expl), ",a,missing,") {
		t.Errorf("explanations.csv does not show test row 0's missing a:\n%.400s", expl)
	}
	c = parseConfig(t, config.LogRegSchema(), "train: "+train+"\nlabel: y\n", "out="+filepath.Join(dir, "lr"))
	_, err := RunLogReg(c, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "train.csv: line 2, column \"a\"") {
		t.Errorf("logreg with an empty cell: %v", err)
	}
}

// TestEBMSameForAnyParallelism: the bags run in parallel but the model is
// the same for GOMAXPROCS 1 and 2 and any number of workers.
func TestEBMSameForAnyParallelism(t *testing.T) {
	x, y, names := logisticTable(600, 4, 2)
	opt := EBMOptions{OuterBags: 3, MaxRounds: 150, Interactions: 1, Seed: 3}
	var models []*EBM
	for _, procs := range []int{1, 2} {
		old := runtime.GOMAXPROCS(procs)
		for _, w := range []int{0, 1, 3} {
			o := opt
			o.Workers = w
			m, err := FitEBM(x, y, names, nil, o)
			if err != nil {
				t.Fatal(err)
			}
			m.Options.Workers = 0
			models = append(models, m)
		}
		runtime.GOMAXPROCS(old)
	}
	for i, m := range models[1:] {
		if !reflect.DeepEqual(m, models[0]) {
			t.Fatalf("model %d differs from model 0", i+1)
		}
	}
}

// writerFunc is an io.Writer calling a function.
type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestEBMProgressAndCancel: progress lines appear once the delay has passed;
// cancelling the context (here from the first progress line) stops the fit
// with an Interrupted error wrapping context.Canceled.
func TestEBMProgressAndCancel(t *testing.T) {
	x, y, names := logisticTable(500, 3, 4)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var lines []string
	meter := progress.New(writerFunc(func(p []byte) (int, error) {
		lines = append(lines, string(p))
		cancel()
		return len(p), nil
	}), "glassbox ebm")
	meter.Delay, meter.Interval = 0, time.Hour
	start := time.Now()
	_, err := FitEBMContext(ctx, x, y, names, nil, EBMOptions{OuterBags: 2, MaxRounds: 100000, EarlyStoppingRounds: 100000, Workers: 1}, meter)
	if !errors.Is(err, context.Canceled) || !progress.IsInterrupted(err) {
		t.Fatalf("err = %v, want an interruption", err)
	}
	if time.Since(start) > 20*time.Second {
		t.Errorf("cancelled fit took %v", time.Since(start))
	}
	if len(lines) != 1 || !strings.Contains(lines[0], "glassbox ebm: ") || !strings.Contains(lines[0], "rounds") || !strings.Contains(lines[0], "ETA") {
		t.Errorf("progress lines (throttled to one per hour): %q", lines)
	}
}

func formatG(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
