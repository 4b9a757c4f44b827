package gmm

import (
	"math"
	"math/rand"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"genxai/config"
	"genxai/internal/cmdtest"
	"genxai/internal/tabletest"
)

// TestPerClassModelFile fits genxai gmm --per-class and reads model.json
// back: classes in order of first appearance (row 1 is of class b) with exact counts, the
// categorical levels, each numeric column's training range, and mixtures
// that rebuild (FromParams) into the same sampler.
func TestPerClassModelFile(t *testing.T) {
	path := tabletest.ClassTable(t, 300)
	out := filepath.Join(t.TempDir(), "run")
	s, _ := cmdtest.Run(t, config.GMMSchema(), "per_class: kind\n", []string{"train=" + path, "out=" + out}, RunFromConfig)
	if !slices.Equal(s["class_counts"].([]int), []int{100, 200}) {
		t.Errorf("summary class counts %v, want [100 200]", s["class_counts"])
	}
	tm, err := LoadTableModel(filepath.Join(out, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tm.Classes, []string{"b", "a"}) || tm.ClassColumn != "kind" || !slices.Equal(tm.ClassCounts, []int{100, 200}) {
		t.Errorf("classes %v of %q, counts %v", tm.Classes, tm.ClassColumn, tm.ClassCounts)
	}
	if math.Abs(tm.ClassPriors[1]-2.0/3) > 1e-12 {
		t.Errorf("priors %v", tm.ClassPriors)
	}
	names := []string{}
	for _, c := range tm.Columns {
		names = append(names, c.Name)
	}
	if !slices.Equal(names, []string{"x", "u", "city"}) || !slices.Equal(tm.Columns[2].Levels, []string{"London", "Paris", "Rome"}) {
		t.Errorf("columns %v, city levels %v", names, tm.Columns[2].Levels)
	}
	if u := tm.Columns[1]; u.Min < 0 || u.Max >= 1 || u.Max-u.Min < 0.9 || u.Levels != nil {
		t.Errorf("u stats %+v, want a range inside [0, 1) of width > 0.9", u)
	}
	if tm.SHA256() == "" || len(tm.Features) != 4 { // x, u, two city indicators
		t.Errorf("sha %q, encoded features %v", tm.SHA256(), tm.Features)
	}
}

// TestFromParamsSamplesLikeTheFit: a full-covariance mixture rebuilt from
// its weights, means and covariances draws the same points.
func TestFromParamsSamplesLikeTheFit(t *testing.T) {
	X, _, _ := threeComponents(300, 2)
	m, err := Fit(X, 300, 2, Params{Components: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	means := [][]float64{}
	for k := range m.K {
		means = append(means, m.Mean(k))
	}
	r, err := FromParams(m.Weights, means, m.Covariances())
	if err != nil {
		t.Fatal(err)
	}
	a, b := m.Sample(50, rand.New(rand.NewSource(4))), r.Sample(50, rand.New(rand.NewSource(4)))
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-9 {
			t.Fatalf("value %d: fitted %v, rebuilt %v", i, a[i], b[i])
		}
	}
	if _, err := FromParams([]float64{0.5, 0.6}, means[:2], m.Covariances()[:2]); err == nil || !strings.Contains(err.Error(), "sum") {
		t.Errorf("weights summing to 1.1: error %v", err)
	}
}

// TestPerClassErrors: a single-mixture model.json is refused with a way
// out, and per_class with another label or a weight column is a config
// error.
func TestPerClassErrors(t *testing.T) {
	path := tabletest.ClassTable(t, 60)
	out := filepath.Join(t.TempDir(), "run")
	cmdtest.Run(t, config.GMMSchema(), "label: kind\n", []string{"train=" + path, "out=" + out}, RunFromConfig)
	if _, err := LoadTableModel(filepath.Join(out, "model.json")); err == nil || !strings.Contains(err.Error(), "--per-class") {
		t.Errorf("single-mixture model.json: error %v, want one naming --per-class", err)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"per_class: kind\nlabel: city\n", "per_class is \"kind\""},
		{"per_class: kind\nweight: u\n", "cannot be combined with per_class"},
	} {
		_, err := config.Parse("t.yaml", []byte(tc.yaml+"train: "+path+"\n"), config.GMMSchema(), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.yaml, err, tc.want)
		}
	}
}
