package gmm

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"genxai/config"
	"genxai/internal/cmdtest"
)

// TestSchemaMatchesPackage keeps config.GMMSchema's covariance values and
// the reg_covar 0 convention in step with the package.
func TestSchemaMatchesPackage(t *testing.T) {
	s := config.GMMSchema()
	i := slices.IndexFunc(s.Keys, func(k config.Key) bool { return k.Name == "covariance" })
	if i < 0 || !slices.Equal(s.Keys[i].Enum, CovarianceTypes) {
		t.Errorf("schema covariance values %v, package %v", s.Keys[i].Enum, CovarianceTypes)
	}
	c, err := config.Parse("t.yaml", []byte("train: a.csv\nreg_covar: 0\n"), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p := ParamsFromConfig(c); p.RegCovar != -1 || p.Components != 1 || p.Covariance != Full {
		t.Errorf("params %+v: want RegCovar -1 (exactly zero), 1 full component", p)
	}
}

// TestRunFromConfig fits two clusters from a CSV with a label column left
// out and checks the summary and the files.
func TestRunFromConfig(t *testing.T) {
	dir := t.TempDir()
	X, _, _ := threeComponents(300, 2)
	var b strings.Builder
	b.WriteString("x,y,label\n")
	for i := range 300 {
		fmt.Fprintf(&b, "%g,%g,%d\n", X[2*i], X[2*i+1], i%2)
	}
	path := filepath.Join(dir, "t.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "run")
	s, _ := cmdtest.Run(t, config.GMMSchema(), "components: 3\nlabel: label\n", []string{"train=" + path, "test=" + path, "out=" + out}, RunFromConfig)
	if s["features"] != 2 || s["components"] != 3 || s["train_mean_loglik"] != s["test_mean_loglik"] {
		t.Errorf("summary %v", s)
	}
	raw, err := os.ReadFile(filepath.Join(out, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	var model struct {
		Features []string
		Weights  []float64
		Means    [][]float64
	}
	if err := json.Unmarshal(raw, &model); err != nil || !slices.Equal(model.Features, []string{"x", "y"}) || len(model.Weights) != 3 || len(model.Means) != 3 {
		t.Errorf("model.json: %+v, %v", model, err)
	}
	if back, err := config.Load(filepath.Join(out, "config.yaml"), config.GMMSchema(), nil); err != nil || back.Int("components") != 3 {
		t.Errorf("config.yaml does not load back as the run's config: %v", err)
	}
}
