package glassbox

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"genxai/config"
)

func parseConfig(t *testing.T, schema config.Schema, yaml string, sets ...string) *config.Config {
	t.Helper()
	c, err := config.Parse("test.yaml", []byte(yaml), schema, sets)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func readSummary(t *testing.T, dir string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// runInTemp runs fit on the config text with out set to a fresh directory
// and returns the directory, what fit printed and its summary.json.
func runInTemp(t *testing.T, schema config.Schema, text string, fit func(*config.Config, io.Writer) (string, error)) (string, string, map[string]any) {
	t.Helper()
	out := t.TempDir()
	c := parseConfig(t, schema, text, "out="+out)
	var buf bytes.Buffer
	if _, err := fit(c, &buf); err != nil {
		t.Fatal(err)
	}
	return out, buf.String(), readSummary(t, out)
}

func TestRepositoryGlassboxConfigs(t *testing.T) {
	for file, schema := range map[string]config.Schema{
		"../../configs/glassbox-logreg-breast-cancer.yaml": config.LogRegSchema(),
		"../../configs/glassbox-ebm-breast-cancer.yaml":    config.EBMSchema(),
		"../../configs/glassbox-kan-breast-cancer.yaml":    config.KANSchema(),
	} {
		c, err := config.Load(file, schema, nil)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		if c.String("split") != "builtin" || c.String("train") != "builtin:breast_cancer" {
			t.Errorf("%s: train %q split %q", file, c.String("train"), c.String("split"))
		}
	}
	if _, err := config.Parse("bad.yaml", []byte("train: x.csv\nl2: -1\n"), config.LogRegSchema(), nil); err == nil {
		t.Error("negative l2 accepted by the schema")
	}
}

func TestRunLogRegBreastCancer(t *testing.T) {
	out, printed, s := runInTemp(t, config.LogRegSchema(), "train: builtin:breast_cancer\nsplit: builtin\nfeatures: [mean_radius, mean_texture, mean_smoothness]\n", RunLogReg)
	if s["accuracy_on"] != "test" || s["n_test"].(float64) != 114 || s["n_train"].(float64) != 455 {
		t.Errorf("summary: accuracy_on %v n_test %v n_train %v", s["accuracy_on"], s["n_test"], s["n_train"])
	}
	acc := s["accuracy"].(float64)
	if acc < 0.85 || acc > 1 {
		t.Errorf("test accuracy %.4f", acc)
	}
	coefs := s["coefficients"].([]any)
	if len(coefs) != 4 {
		t.Fatalf("%d coefficient records, want 4", len(coefs))
	}
	first := coefs[0].(map[string]any)
	for _, k := range []string{"feature", "coef", "se", "z", "p", "odds_ratio", "ci_low", "ci_high"} {
		if _, ok := first[k]; !ok {
			t.Errorf("coefficient record lacks %q", k)
		}
	}
	if first["feature"] != "intercept" || coefs[1].(map[string]any)["feature"] != "mean_radius" {
		t.Errorf("feature names: %v, %v", first["feature"], coefs[1].(map[string]any)["feature"])
	}
	if _, ok := s["log_likelihood"].(float64); !ok {
		t.Error("summary lacks log_likelihood")
	}
	for _, f := range []string{"coefficients.csv", "coefficients.md", "forest_plot.png", "config.yaml"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	if !strings.Contains(printed, "odds_ratio") || !strings.Contains(printed, "mean_texture") {
		t.Errorf("terminal table:\n%s", printed)
	}
	// The CSV agrees with the summary.
	f, _ := os.Open(filepath.Join(out, "coefficients.csv"))
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) != 5 {
		t.Fatalf("coefficients.csv: %d records, %v", len(recs), err)
	}
	v, _ := strconv.ParseFloat(recs[2][1], 64)
	if math.Abs(v-coefs[1].(map[string]any)["coef"].(float64)) > 1e-9 {
		t.Errorf("CSV coef %v vs summary %v", v, coefs[1])
	}
}

func TestRunLogRegReportsSeparation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sep.csv")
	var b strings.Builder
	b.WriteString("noise,dose,y\n")
	for i := 0; i < 40; i++ {
		y := i % 2
		fmt.Fprintf(&b, "%d,%g,%d\n", (i*7)%5, float64(y)*10+float64(i%3), y)
	}
	os.WriteFile(path, []byte(b.String()), 0o644)
	out := filepath.Join(dir, "run")
	c := parseConfig(t, config.LogRegSchema(), "train: "+path+"\ntarget: y\n", "out="+out) // target: the alias of label
	_, err := RunLogReg(c, &bytes.Buffer{})
	var se *SeparationError
	if !errors.As(err, &se) || se.Features[0] != "dose" {
		t.Fatalf("want separation on dose, got %v", err)
	}
	s := readSummary(t, out)
	if s["status"] != "separation" {
		t.Errorf("summary status %v", s["status"])
	}
}

func TestRunEBMBreastCancer(t *testing.T) {
	out, _, s := runInTemp(t, config.EBMSchema(), "train: builtin:breast_cancer\nsplit: builtin\nouter_bags: 2\nmax_rounds: 400\ninteractions: 1\nmax_interaction_bins: 8\ntop_terms: 3\nexplain_rows: 4\n", func(c *config.Config, w io.Writer) (string, error) {
		return RunEBM(context.Background(), c, w, io.Discard)
	})
	if acc := s["accuracy"].(float64); acc < 0.9 {
		t.Errorf("test accuracy %.4f with a short fit", acc)
	}
	imps := s["importances"].([]any)
	if len(imps) != 31 {
		t.Errorf("%d importances, want 30 mains + 1 pair", len(imps))
	}
	prev := math.Inf(1)
	for _, r := range imps {
		v := r.(map[string]any)["importance"].(float64)
		if v > prev {
			t.Fatal("importances not sorted, most important first")
		}
		prev = v
	}
	top := imps[0].(map[string]any)["term"].(string)
	for _, f := range []string{"importances.csv", "shapes.csv", "model.json", "importance.png", "explanations.csv", "local_explanation_0.png", "shape_" + fileName(top) + ".png"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	// Every explained row's contributions plus the intercept equal its logit.
	f, _ := os.Open(filepath.Join(out, "explanations.csv"))
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]float64{}
	rows := 0
	for _, r := range recs[1:] {
		v, _ := strconv.ParseFloat(r[6], 64)
		if r[4] == "logit (sum)" {
			if math.Abs(sums[r[1]]-v) > 1e-8 {
				t.Errorf("row %s: contributions sum to %.10f, logit %.10f", r[1], sums[r[1]], v)
			}
			rows++
			continue
		}
		sums[r[1]] += v
	}
	if rows != 4 {
		t.Errorf("%d explained rows, want 4", rows)
	}
}
