package svm

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"genxai/config"
	"genxai/internal/cmdtest"
)

// TestSchemaDefaultsAreDefaultParams keeps config.SVMSchema's defaults equal
// to DefaultParams, so that a config that sets nothing fits as Fit would.
func TestSchemaDefaultsAreDefaultParams(t *testing.T) {
	c, err := config.Parse("t.yaml", []byte("train: a.csv\ntest: b.csv\nlabel: y\n"), config.SVMSchema(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ParamsFromConfig(c), DefaultParams(); got != want {
		t.Errorf("schema defaults %+v, DefaultParams %+v", got, want)
	}
}

// TestRunFromConfig fits text labels, one with a comma, and checks the
// files, the quoting of predictions.csv and the accuracy.
func TestRunFromConfig(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("a,class,b\n")
	for i := range 40 {
		name, x := `"left, low"`, -1.0
		if i%2 == 1 {
			name, x = "right", 1.0
		}
		b.WriteString(strings.Join([]string{formatFloat(x + float64(i%5)/10), name, formatFloat(float64(i % 3))}, ",") + "\n")
	}
	for _, f := range []string{"train.csv", "test.csv"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "run")
	s, stdout := cmdtest.Run(t, config.SVMSchema(), "kernel: linear\nprobability: true\n",
		[]string{"train=" + filepath.Join(dir, "train.csv"), "test=" + filepath.Join(dir, "test.csv"), "label=class", "out=" + out}, RunFromConfig)
	if s["accuracy"].(float64) != 1 || !strings.Contains(stdout, "accuracy 1.0000") {
		t.Errorf("accuracy %v; printed %q", s["accuracy"], stdout)
	}
	f, err := os.Open(filepath.Join(out, "predictions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) != 41 {
		t.Fatalf("predictions.csv: %d records, %v", len(recs), err)
	}
	if strings.Join(recs[0], "|") != "row|true|predicted|p_left, low|p_right" || recs[1][1] != "left, low" {
		t.Errorf("predictions.csv header %q, first row %q", recs[0], recs[1])
	}
	for _, name := range []string{"summary.json", "config.yaml", "confusion.png"} {
		if st, err := os.Stat(filepath.Join(out, name)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", name, err)
		}
	}
	// The run's config.yaml loads back as a config of the same schema.
	if _, err := config.Load(filepath.Join(out, "config.yaml"), config.SVMSchema(), nil); err != nil {
		t.Errorf("config.yaml does not load back: %v", err)
	}
}

// TestRunCategorical fits a table whose only informative column holds text:
// it enters one-hot, one indicator per level.
func TestRunCategorical(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("colour,noise,y\n")
	for i := range 30 {
		colour, y := []string{"red", "green", "blue"}[i%3], "no"
		if i%3 == 0 {
			y = "yes"
		}
		b.WriteString(colour + "," + formatFloat(float64(i%4)/10) + "," + y + "\n")
	}
	p := filepath.Join(dir, "t.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	s, _ := cmdtest.Run(t, config.SVMSchema(), "kernel: linear\n",
		[]string{"train=" + p, "test=" + p, "label=y", "out=" + filepath.Join(dir, "run")}, RunFromConfig)
	if s["accuracy"].(float64) != 1 || s["features"] != 4 {
		t.Errorf("accuracy %v, features %v (want 1 and 3 levels + 1 numeric)", s["accuracy"], s["features"])
	}
}
