package glassbox

import (
	"encoding/csv"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"genxai/config"
)

// readCoefCSV reads a coefficient table (ours or the statsmodels fixture,
// whose "#" lines are comments) as term → the seven numbers; a level's
// " vs REF" suffix is dropped from the term.
func readCoefCSV(t *testing.T, path string) map[string][]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]float64{}
	for _, rec := range recs[1:] {
		term, _, _ := strings.Cut(rec[0], " vs ")
		for _, s := range rec[1:] {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatal(err)
			}
			out[term] = append(out[term], v)
		}
	}
	return out
}

// The judged case: a grouped smoking/lung-cancer table with a text city
// column and a count column gives statsmodels' GLM(binomial, freq_weights,
// C(city)) coefficients, standard errors, z, p, odds ratios and intervals.
func TestLogRegGroupedTableMatchesStatsmodels(t *testing.T) {
	dir, out, s := runInTemp(t, config.LogRegSchema(), "train: testdata/smoking.csv\nlabel: cancer\nweight: count\n",
		func(c *config.Config, w io.Writer) (string, error) { return RunLogReg(c, w) })
	got := readCoefCSV(t, filepath.Join(dir, "coefficients.csv"))
	want := readCoefCSV(t, "testdata/smoking_glm.csv")
	if len(got) != len(want) {
		t.Fatalf("terms %v, statsmodels has %v", got, want)
	}
	cols := []string{"coef", "se", "z", "p", "odds_ratio", "ci_low", "ci_high"}
	for term, w := range want {
		g, ok := got[term]
		if !ok {
			t.Fatalf("no term %q in %v", term, got)
		}
		for k := range w {
			if rel := math.Abs(g[k]-w[k]) / math.Abs(w[k]); rel > 1e-6 {
				t.Errorf("%s %s = %.12g, statsmodels %.12g (relative %.2g)", term, cols[k], g[k], w[k], rel)
			}
		}
	}
	if s["n_observations"].(float64) != 2513 || s["categorical"].(map[string]any)["city"].(map[string]any)["reference"] != "London" {
		t.Errorf("summary n_observations %v categorical %v", s["n_observations"], s["categorical"])
	}
	for _, line := range []string{"Odds ratio of smoking (per one-unit increase): 6.533, 95% CI 5.199 to 8.209", "city[Leeds] vs London", `reference level "London"`, "16 rows standing for 2513 observations", "Accuracy on the training rows: 0.8"} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
}

// expandRows repeats row i of x (p columns) and y w[i] times.
func expandRows(x, y, w []float64, p int) (xe, ye []float64) {
	for i, wi := range w {
		for r := 0; r < int(wi); r++ {
			xe, ye = append(xe, x[i*p:(i+1)*p]...), append(ye, y[i])
		}
	}
	return xe, ye
}

// groupedToy is a small grouped table: a 3-level category (codes), a
// numeric column, a binary label and counts.
func groupedToy() (x, y, w []float64) {
	x = []float64{0, 1.5, 0, 2, 1, 0.5, 1, 3, 2, 1, 2, 2.5, 0, 0.2, 1, 1.1, 2, 0.7}
	y = []float64{1, 0, 1, 0, 1, 0, 1, 0, 0}
	w = []float64{30, 12, 25, 40, 11, 8, 22, 31, 17}
	return x, y, w
}

// Frequency weights give the fit of the table with every row repeated.
func TestWeightsEqualRepeatedRows(t *testing.T) {
	x, y, w := groupedToy()
	xe, ye := expandRows(x, y, w, 2)
	feats := []string{"a", "b"}
	mw, err := FitLogReg(x, y, feats, nil, LogRegOptions{Weights: w})
	if err != nil {
		t.Fatal(err)
	}
	me, err := FitLogReg(xe, ye, feats, nil, LogRegOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range mw.Coefs {
		if d := math.Abs(mw.Coefs[i].Coef - me.Coefs[i].Coef); d > 1e-9 || math.Abs(mw.Coefs[i].SE-me.Coefs[i].SE) > 1e-9 {
			t.Errorf("coef %d: weighted %+v, repeated %+v", i, mw.Coefs[i], me.Coefs[i])
		}
	}
	if math.Abs(mw.LogLik-me.LogLik) > 1e-9 || mw.Observations != float64(len(ye)) {
		t.Errorf("log-likelihood %v vs %v, observations %v", mw.LogLik, me.LogLik, mw.Observations)
	}

	opt := EBMOptions{ValidationFraction: -1, OuterBags: 1, MaxRounds: 200, MinSamplesLeaf: 2, Categorical: []int{0}, Workers: 1}
	ew, err := FitEBM(x, y, feats, nil, EBMOptions{ValidationFraction: -1, OuterBags: 1, MaxRounds: 200, MinSamplesLeaf: 2, Categorical: []int{0}, Workers: 1, Weights: w})
	if err != nil {
		t.Fatal(err)
	}
	ee, err := FitEBM(xe, ye, feats, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(y); i++ {
		if d := math.Abs(ew.Logit(x[2*i:2*i+2]) - ee.Logit(x[2*i:2*i+2])); d > 1e-9 {
			t.Errorf("row %d: EBM logit weighted %v, repeated %v", i, ew.Logit(x[2*i:2*i+2]), ee.Logit(x[2*i:2*i+2]))
		}
	}
}

// The EBM reads a text column as one term with a bin per level (no one-hot
// columns), labelled with the level names.
func TestEBMCategoricalTerm(t *testing.T) {
	dir, _, s := runInTemp(t, config.EBMSchema(), "train: testdata/smoking.csv\nlabel: cancer\nweight: count\nmin_samples_leaf: 1\n",
		func(c *config.Config, w io.Writer) (string, error) { return RunEBM(t.Context(), c, w, io.Discard) })
	var terms []string
	for _, im := range s["importances"].([]any) {
		terms = append(terms, im.(map[string]any)["term"].(string))
	}
	slices.Sort(terms)
	if !slices.Equal(terms, []string{"city", "smoking"}) {
		t.Fatalf("terms %q; want one term per column", terms)
	}
	shapes, err := os.ReadFile(filepath.Join(dir, "shapes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, lv := range []string{"city,1,Leeds", "city,2,London", "city,4,York"} {
		if !strings.Contains(string(shapes), lv) {
			t.Errorf("shapes.csv lacks %q:\n%s", lv, shapes)
		}
	}
}

// The EBM keeps its accuracy on the bundled breast-cancer split.
func TestEBMBreastCancerAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("fits the full EBM")
	}
	_, _, s := runInTemp(t, config.EBMSchema(), "train: builtin:breast_cancer\nsplit: builtin\ntop_terms: 0\nexplain_rows: 0\n",
		func(c *config.Config, w io.Writer) (string, error) { return RunEBM(t.Context(), c, w, io.Discard) })
	if acc := s["test_accuracy"].(float64); math.Abs(acc-111.0/114) > 1e-12 {
		t.Fatalf("test accuracy %.4f, want 0.9737 (111/114)", acc)
	}
}

// A level of the test file that training never saw is an error naming the
// file, line, column and level.
func TestUnseenLevelInTestFile(t *testing.T) {
	te := filepath.Join(t.TempDir(), "test.csv")
	if err := os.WriteFile(te, []byte("city,smoking,cancer,count\nLeeds,1,1,3\nBristol,0,0,4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := parseConfig(t, config.LogRegSchema(), "train: testdata/smoking.csv\nlabel: cancer\nweight: count\n", "test="+te, "out="+t.TempDir())
	_, err := RunLogReg(c, io.Discard)
	if err == nil {
		t.Fatal("unseen level accepted")
	}
	for _, w := range []string{"test.csv", "line 3", `column "city"`, `"Bristol"`} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
}
