package augment

import (
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"genxai/config"
	"genxai/internal/testfs"
	"genxai/runs"
	"genxai/xai/gmm"
)

// TestRepositoryConfigs loads and validates every configs/augment-*.yaml.
func TestRepositoryConfigs(t *testing.T) {
	files, err := filepath.Glob("../../configs/augment-*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"augment-fashion.yaml": false, "augment-breast-cancer.yaml": false, "augment-fashion-gan.yaml": false, "augment-digits-gan.yaml": false}
	for _, f := range files {
		c, err := config.Load(f, Schema(), nil)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		s := FromConfig(c)
		if err := s.check(); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		want[filepath.Base(f)] = true
	}
	for f, ok := range want {
		if !ok {
			t.Errorf("configs/%s missing or invalid", f)
		}
	}
}

func TestConfigCrossChecks(t *testing.T) {
	p := testfs.Write(t, "a.yaml", "ratios: [0.5, 1]\ngenerator:\n  kind: gan\n")
	_, err := config.Load(p, Schema(), nil)
	if err == nil {
		t.Fatal("config without baseline ratio and gan without run loaded")
	}
	for _, want := range []string{"ratios", "must contain 0", "generator.gan_run"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	// --set overrides win over the file.
	c, err := config.Load(p, Schema(), []string{"ratios=[0,2]", "generator.kind=gmm"})
	if err != nil {
		t.Fatal(err)
	}
	if got := FromConfig(c).Ratios; !reflect.DeepEqual(got, []float64{0, 2}) {
		t.Errorf("ratios = %v after --set", got)
	}
}

// smallBreastCancer is a quick setting on the embedded table.
func smallBreastCancer() Settings {
	return Settings{
		Source: "builtin:breast_cancer", FeatureKind: "raw", Standardize: true,
		NPerClass: []int{20}, GeneratorKind: "gmm", GMMComponents: []int{1, 2},
		GMMCovariance: gmm.Diag, GMMRegCovar: 1e-6, GMMNInit: 1, GMMMaxIter: 100, Clip: true,
		Ratios: []float64{0, 1}, Seeds: 3, Seed: 1,
		SVMKernel: "rbf", SVMC: 1, SVMGamma: "scale", SVMStandardize: true, Alpha: 0.05,
		TestFraction: 0.25,
	}
}

func TestRunBreastCancer(t *testing.T) {
	s := smallBreastCancer()
	var events []Progress
	var logged int
	res, err := Run(s, Options{
		Progress: func(p Progress) { events = append(events, p) },
		Log:      func(map[string]any) error { logged++; return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Trials) != 3*2 || logged != 6 {
		t.Fatalf("%d trials, %d logged; want 6", len(res.Trials), logged)
	}
	if res.TestRows != 114 || res.PoolRows != 455 || res.FeatureDim != 30 {
		t.Errorf("test %d pool %d dim %d; want 114, 455, 30", res.TestRows, res.PoolRows, res.FeatureDim)
	}
	last := events[len(events)-1]
	if last.Done != last.Total || last.Total != 3*(2+2) {
		t.Errorf("last progress %d/%d; want 12/12", last.Done, last.Total)
	}
	for _, tr := range res.Trials {
		// A 20-per-class SVM on this table is far better than chance.
		if tr.Accuracy < 0.8 || tr.Accuracy > 1 {
			t.Errorf("trial %+v: accuracy out of the plausible range", tr)
		}
		if want := 40 + 2*tr.Synthetic; tr.TrainRows != want {
			t.Errorf("trial %+v: %d training rows, want %d", tr, tr.TrainRows, want)
		}
	}
	if len(res.Cells) != 2 || res.Cells[0].Verdict != VerdictBaseline || res.Cells[1].Synthetic != 20 {
		t.Fatalf("cells %+v", res.Cells)
	}
	// Deterministic: the same settings give the same accuracies.
	again, err := Run(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range res.Trials {
		if res.Trials[i].Accuracy != again.Trials[i].Accuracy {
			t.Fatalf("run not reproducible: trial %d accuracy %v then %v", i, res.Trials[i].Accuracy, again.Trials[i].Accuracy)
		}
	}
	// The report files.
	dir, err := runs.Create(t.TempDir(), "test", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"results.csv", "runs.csv", "results.md", "accuracy.png", "accuracy-delta.png", "summary.json"} {
		if fi, err := os.Stat(dir.File(f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	md, _ := os.ReadFile(dir.File("results.md"))
	if !strings.Contains(string(md), "| 20 | 1 | 20 |") || !strings.Contains(string(md), "baseline") {
		t.Errorf("results.md lacks the table rows:\n%s", md)
	}
	csvText, _ := os.ReadFile(dir.File("results.csv"))
	if lines := strings.Count(string(csvText), "\n"); lines != 3 {
		t.Errorf("results.csv has %d lines, want header + 2", lines)
	}
}

func TestRunTooFewRows(t *testing.T) {
	s := smallBreastCancer()
	s.NPerClass = []int{500}
	_, err := Run(s, Options{})
	if err == nil || !strings.Contains(err.Error(), "real.n_per_class 500") || !strings.Contains(err.Error(), "use at most") {
		t.Errorf("err = %v", err)
	}
}

func TestBadCSVs(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"ragged.csv", "a,b,y\n1,2,0\n3,1\n", "line 3"},
		{"text.csv", "a,b,y\n1,2,0\n3,x,1\n", `line 3, column "b"`},
		{"empty.csv", "", "empty"},
		{"oneclass.csv", "a,b,y\n1,2,0\n3,4,0\n5,6,0\n7,8,0\n", "only one class"},
		{"realvalued.csv", "a,b,y\n1,2,0.5\n3,4,1\n5,6,0\n7,8,1\n", "row 1 has label 0.5"},
	}
	for _, c := range cases {
		p := testfs.Write(t, c.name, c.text)
		s := smallBreastCancer()
		s.Source, s.Label, s.TestFraction = p, "y", 0.25
		_, err := LoadDataset(s)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to mention %q", c.name, err, c.want)
		}
	}
	s := smallBreastCancer()
	s.Source, s.Label = testfs.Write(t, "nolabel.csv", "a,b\n1,2\n"), ""
	if _, err := LoadDataset(s); err == nil || !strings.Contains(err.Error(), "data.label") {
		t.Errorf("CSV without data.label: err = %v", err)
	}
}

func TestCSVWithTestFile(t *testing.T) {
	var train, test strings.Builder
	train.WriteString("x0,x1,kind\n")
	test.WriteString("x0,x1,kind\n")
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 60; i++ {
		c := []string{"cat", "dog", "owl"}[i%3]
		off := float64(i%3) * 4
		line := func() string {
			return strings.Join([]string{ftoa(off + rng.NormFloat64()), ftoa(-off + rng.NormFloat64()), c}, ",") + "\n"
		}
		train.WriteString(line())
		if i < 30 {
			test.WriteString(line())
		}
	}
	s := smallBreastCancer()
	s.Source = testfs.Write(t, "train.csv", train.String())
	s.TestSource = testfs.Write(t, "test.csv", test.String())
	s.Label, s.NPerClass, s.Ratios = "kind", []int{5}, []float64{0, 2}
	res, err := Run(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Classes, []string{"cat", "dog", "owl"}) || res.TestRows != 30 {
		t.Errorf("classes %v, test rows %d", res.Classes, res.TestRows)
	}
	for _, c := range res.Cells {
		if c.Mean < 0.9 {
			t.Errorf("well-separated blobs: accuracy %v at ratio %v", c.Mean, c.Ratio)
		}
	}
}

func TestPairedT(t *testing.T) {
	a := []float64{0.81, 0.79, 0.85, 0.80, 0.83}
	b := []float64{0.78, 0.79, 0.80, 0.77, 0.80}
	mean, _, tt, p := PairedT(a, b)
	// scipy.stats.ttest_rel(a, b): statistic 3.5, pvalue 0.024896163460222703.
	if math.Abs(tt-3.5) > 1e-9 || math.Abs(p-0.024896163460222703) > 1e-9 || math.Abs(mean-0.028) > 1e-12 {
		t.Errorf("PairedT = mean %v, t %v, p %v; want 0.028, 3.5, 0.0248962", mean, tt, p)
	}
	if v := verdict(mean, p, 0.05); v != VerdictHelps {
		t.Errorf("verdict %q", v)
	}
	if v := verdict(-mean, p, 0.05); v != VerdictDoesNotHelp {
		t.Errorf("verdict %q", v)
	}
	if v := verdict(mean, p, 0.01); v != VerdictNoise {
		t.Errorf("verdict %q", v)
	}
	if _, _, tt, p := PairedT(b, b); tt != 0 || p != 1 {
		t.Errorf("identical samples: t %v p %v", tt, p)
	}
}

func TestPCA(t *testing.T) {
	// Rank-3 data in 6 dimensions: 3 components reconstruct it exactly.
	rng := rand.New(rand.NewSource(2))
	n, d := 200, 6
	basis := make([]float64, 3*d)
	for i := range basis {
		basis[i] = rng.NormFloat64()
	}
	X := make([]float64, n*d)
	for i := 0; i < n; i++ {
		for c := 0; c < 3; c++ {
			z := rng.NormFloat64() * float64(3-c)
			for j := 0; j < d; j++ {
				X[i*d+j] += z * basis[c*d+j]
			}
		}
		X[i*d] += 5
	}
	p, err := FitPCA(X, n, d, 3)
	if err != nil {
		t.Fatal(err)
	}
	back := p.Inverse(p.Transform(X, n), n)
	for i := range X {
		if math.Abs(back[i]-X[i]) > 1e-9 {
			t.Fatalf("reconstruction error %v at %d", back[i]-X[i], i)
		}
	}
	for a := 0; a < 3; a++ {
		for b := 0; b < 3; b++ {
			dot := 0.0
			for j := 0; j < d; j++ {
				dot += p.Components[a*d+j] * p.Components[b*d+j]
			}
			want := 0.0
			if a == b {
				want = 1
			}
			if math.Abs(dot-want) > 1e-9 {
				t.Fatalf("components %d,%d dot %v", a, b, dot)
			}
		}
		if a > 0 && p.Variances[a] > p.Variances[a-1] {
			t.Fatalf("variances not decreasing: %v", p.Variances)
		}
	}
	if _, err := FitPCA(X, 3, d, 3); err == nil {
		t.Error("3 components from 3 rows: no error")
	}
}

func TestGMMGeneratorClassMeans(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	n, d := 300, 2
	X := make([]float64, n*d)
	y := make([]int, n)
	for i := 0; i < n; i++ {
		y[i] = i % 2
		X[i*d] = float64(y[i])*10 + rng.NormFloat64()
		X[i*d+1] = rng.NormFloat64()
	}
	g, err := FitGMMGenerator(X, n, d, y, 2, []int{1, 2, 3}, gmm.Params{Covariance: gmm.Full})
	if err != nil {
		t.Fatal(err)
	}
	for c := 0; c < 2; c++ {
		S, err := g.Sample(c, 2000, rng)
		if err != nil {
			t.Fatal(err)
		}
		m := 0.0
		for i := 0; i < 2000; i++ {
			m += S[i*d] / 2000
		}
		if math.Abs(m-float64(c)*10) > 0.2 {
			t.Errorf("class %d: sample mean %v, want %v", c, m, c*10)
		}
	}
	if _, err := g.Sample(5, 1, rng); err == nil {
		t.Error("class out of range: no error")
	}
}
