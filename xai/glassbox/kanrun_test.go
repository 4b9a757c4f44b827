package glassbox

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"genxai/config"
)

func runKAN(c *config.Config, w io.Writer) (string, error) {
	return RunKAN(context.Background(), c, w, io.Discard)
}

func TestRunKANBreastCancer(t *testing.T) {
	out, printed, s := runInTemp(t, config.KANSchema(),
		"train: builtin:breast_cancer\nsplit: builtin\nfeatures: [mean_radius, mean_texture, worst_area, worst_concave_points]\nsteps: 150\nretrain_steps: 30\ngrid: 3\ngrid_extend: 6\nlr: 0.02\n", runKAN)
	if s["model"] != "kan" || s["accuracy_on"] != "test" || s["n_test"].(float64) != 114 {
		t.Errorf("summary: model %v accuracy_on %v n_test %v", s["model"], s["accuracy_on"], s["n_test"])
	}
	if acc := s["accuracy"].(float64); acc < 0.9 || acc > 1 {
		t.Errorf("test accuracy %.4f", acc)
	}
	for _, k := range []string{"log_loss", "auc", "test_log_loss", "train_accuracy", "symbolic", "history", "widths"} {
		if _, ok := s[k]; !ok {
			t.Errorf("summary lacks %q", k)
		}
	}
	for _, f := range []string{"edges.png", "edges.csv", "symbolic.csv", "model.json", "config.yaml"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(out, "edges.csv"))
	if n := strings.Count(string(b), "\n"); n != 1+4*101 {
		t.Errorf("edges.csv has %d lines, want a header and 101 points for each of 4 edges", n)
	}
	if !strings.Contains(printed, "Accuracy on the test rows") {
		t.Errorf("printed:\n%s", printed)
	}
}

func TestRunKANErrors(t *testing.T) {
	dir := t.TempDir()
	three := filepath.Join(dir, "three.csv")
	var b strings.Builder
	b.WriteString("a,b,y\n")
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&b, "%d,%d,%d\n", i, i%4, i%3)
	}
	os.WriteFile(three, []byte(b.String()), 0o644)
	for _, tc := range []struct{ yaml, want string }{
		{"train: " + three + "\nlabel: nope\n", "nope"},
		{"train: " + three + "\nlabel: y\nweight: a\n", "frequency weights"},
		{"train: " + three + "\nlabel: y\nhidden: [0]\n", "at least 1"},
		{"train: " + three + "\nlabel: y\ntest: " + filepath.Join(dir, "missing.csv") + "\n", "missing.csv"},
	} {
		c := parseConfig(t, config.KANSchema(), tc.yaml, "out="+filepath.Join(dir, "run"), "force=true", "steps=2", "retrain_steps=0")
		if _, err := runKAN(c, io.Discard); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one mentioning %q", tc.yaml, err, tc.want)
		}
	}
	for _, bad := range []string{"grid: 0\n", "lr: 0\n", "lambda: -1\n", "symbolic_r2: 2\n"} {
		if _, err := config.Parse("bad.yaml", []byte("train: x.csv\n"+bad), config.KANSchema(), nil); err == nil {
			t.Errorf("schema accepted %q", bad)
		}
	}
}
