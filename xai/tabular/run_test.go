package tabular

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"genxai/config"
	"genxai/xai/glassbox"
)

// Explaining a logistic regression run on the grouped smoking table: every
// row's values sum to its prediction minus the base value, KernelSHAP (all
// coalitions of 2 features) equals the exact values, and the files exist.
func TestRunOnLogRegRun(t *testing.T) {
	run := t.TempDir()
	c, err := config.Parse("t.yaml", []byte("train: ../glassbox/testdata/smoking.csv\nlabel: cancer\nweight: count\n"), config.LogRegSchema(), []string{"out=" + run})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := glassbox.RunLogReg(c, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	s, err := Run(Options{Run: run, Out: out, Rows: "0-15", Background: 16, Exact: true, Repeats: 2, Dependence: 2, ICE: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if e := s["max_efficiency_error"].(float64); e > 1e-9 {
		t.Errorf("efficiency error %g", e)
	}
	if d := s["max_kernel_vs_exact"].(float64); d > 1e-9 {
		t.Errorf("KernelSHAP vs exact %g", d)
	}
	for _, f := range []string{"shap.csv", "importance.csv", "dependence.csv", "beeswarm.png", "waterfall_0.png", "pdp_smoking.png", "dependence_city.png", "summary.json"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	f, err := os.Open(filepath.Join(out, "shap.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) != 1+16*2 || recs[1][2] != "London" {
		t.Fatalf("shap.csv: %d records, first %q, %v", len(recs), recs[1], err)
	}
	// The smoking value of a non-smoker row is negative, of a smoker positive.
	for _, r := range recs[1:] {
		if r[1] != "smoking" {
			continue
		}
		v, _ := strconv.ParseFloat(r[3], 64)
		if (r[2] == "1") != (v > 0) || math.IsNaN(v) {
			t.Errorf("row %s: smoking = %s has SHAP %v", r[0], r[2], v)
		}
	}
}
