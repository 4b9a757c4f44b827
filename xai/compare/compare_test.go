package compare

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"genxai/config"
)

// TestNaiveBayesHandComputed checks the fit and the class scores against a
// case worked by hand: one feature, class 0 at {0, 2}, class 1 at {4, 6, 8}.
// Means 1 and 6, variances 1 and 8/3, priors 2/5 and 3/5; the largest
// column variance is 8, so smoothing 0.1 adds 0.8 to both variances.
func TestNaiveBayesHandComputed(t *testing.T) {
	X := []float64{0, 2, 4, 6, 8}
	y := []int{0, 0, 1, 1, 1}
	logN := func(x, mu, v float64) float64 { return -0.5*math.Log(2*math.Pi*v) - (x-mu)*(x-mu)/(2*v) }
	for _, tc := range []struct {
		smoothing, eps float64
	}{{0, 0}, {0.1, 0.8}} {
		m, err := FitNaiveBayes(X, 5, 1, y, 2, tc.smoothing)
		if err != nil {
			t.Fatal(err)
		}
		v0, v1 := 1+tc.eps, 8.0/3+tc.eps
		if math.Abs(m.Mean[0]-1) > 1e-12 || math.Abs(m.Mean[1]-6) > 1e-12 || math.Abs(m.Var[0]-v0) > 1e-12 || math.Abs(m.Var[1]-v1) > 1e-12 {
			t.Fatalf("smoothing %g: means %v variances %v, want [1 6] [%g %g]", tc.smoothing, m.Mean, m.Var, v0, v1)
		}
		for _, x := range []float64{-1, 3, 3.5, 10} {
			want := []float64{math.Log(0.4) + logN(x, 1, v0), math.Log(0.6) + logN(x, 6, v1)}
			got := m.JointLogLik([]float64{x})
			for c := range want {
				if math.Abs(got[c]-want[c]) > 1e-12 {
					t.Errorf("smoothing %g, x=%g, class %d: log-joint %v, want %v", tc.smoothing, x, c, got[c], want[c])
				}
			}
		}
		// Worked out: at x=3, −2.9163 − ½log2π (class 0) against
		// −2.6887 − ½log2π (class 1) without smoothing.
		if p := m.Predict([]float64{-1, 3, 10}, 3); tc.smoothing == 0 && (p[0] != 0 || p[1] != 1 || p[2] != 1) {
			t.Errorf("predictions %v, want [0 1 1]", p)
		}
	}
	if _, err := FitNaiveBayes(X, 5, 1, []int{0, 0, 0, 0, 0}, 2, 1e-9); err == nil || !strings.Contains(err.Error(), "class 1 has no training rows") {
		t.Errorf("an empty class: got %v", err)
	}
}

// tinyCSV writes a two-class table: class 1 shifted by 2 in both features
// of a standard normal cloud, and a third feature constant, which every
// subset must drop.
func tinyCSV(t *testing.T, rows int) string {
	t.Helper()
	rng := rand.New(rand.NewSource(1))
	var b strings.Builder
	b.WriteString("a,b,c,label\n")
	for i := 0; i < rows; i++ {
		c := i % 2
		fmt.Fprintf(&b, "%.6f,%.6f,1,%d\n", rng.NormFloat64()+2*float64(c), rng.NormFloat64()+2*float64(c), c)
	}
	path := filepath.Join(t.TempDir(), "tiny.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// load loads a compare config from YAML text with --set overrides.
func load(t *testing.T, yaml string, sets ...string) (*config.Config, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "compare.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return config.Load(path, config.CompareSchema(), sets)
}

// TestRunTinyDeterministic runs the whole command twice on a tiny table
// with the same seed and checks the files, the skipped size and that the
// two runs agree to the byte.
func TestRunTinyDeterministic(t *testing.T) {
	csv := tinyCSV(t, 80)
	var outs [2]string
	for i := range outs {
		dir := filepath.Join(t.TempDir(), "run")
		c, err := load(t, "data: "+csv+"\nlabel: label\nsizes: [3, 10, 100]\nseeds: 3\nseed: 7\ngmm_components: [1, 2]\ncvae_steps: 300\nout: "+dir+"\n")
		if err != nil {
			t.Fatal(err)
		}
		sum, err := RunFromConfig(context.Background(), c, io.Discard, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(sum["sizes"], sum["sizes_skipped"], sum["fits"]); got != "[3 10 all] [100] 54" {
			t.Errorf("sizes, skipped, fits = %s, want [3 10 all] [100] 54 (the pool has 30 rows per class)", got)
		}
		for _, f := range []string{"results.csv", "trials.csv", "accuracy.png", "results.md", "summary.json", "config.yaml"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
				t.Errorf("run %d: %v", i, err)
			}
		}
		b, err := os.ReadFile(filepath.Join(dir, "results.csv"))
		if err != nil {
			t.Fatal(err)
		}
		outs[i] = string(b)
	}
	if outs[0] != outs[1] {
		t.Errorf("two runs with seed 7 differ:\n%s\n%s", outs[0], outs[1])
	}
	// Separable clouds: every model beats chance clearly on the whole pool.
	for _, line := range strings.Split(outs[0], "\n")[1:] {
		f := strings.Split(line, ",")
		if len(f) < 5 || f[0] != "all" {
			continue
		}
		var acc float64
		fmt.Sscan(f[4], &acc)
		if acc < 0.8 {
			t.Errorf("%s on the whole pool: accuracy %v, want ≥ 0.8", f[2], acc)
		}
	}
}

// TestSubsetDropsConstantsAndDraws checks the rows drawn per class, the
// dropped constant column and the standardization.
func TestSubsetDropsConstantsAndDraws(t *testing.T) {
	c, err := load(t, "data: "+tinyCSV(t, 40)+"\nlabel: label\nsizes: [4]\n")
	if err != nil {
		t.Fatal(err)
	}
	st, err := Open(FromConfig(c))
	if err != nil {
		t.Fatal(err)
	}
	X, y, testX := st.subset(st.Sizes[0], 3, 0)
	if len(y) != 8 || len(X) != 16 || len(testX) != st.Data.TestN*2 {
		t.Fatalf("4 rows per class of 2 features: got %d labels, %d values, %d test values", len(y), len(X), len(testX))
	}
	for j := 0; j < 2; j++ {
		s, ss := 0.0, 0.0
		for i := 0; i < 8; i++ {
			s += X[i*2+j]
			ss += X[i*2+j] * X[i*2+j]
		}
		if math.Abs(s/8) > 1e-12 || math.Abs(ss/8-1) > 1e-9 {
			t.Errorf("column %d: mean %g, mean square %g after standardizing, want 0 and 1", j, s/8, ss/8)
		}
	}
	if n := fmt.Sprint(y); n != "[0 0 0 0 1 1 1 1]" {
		t.Errorf("classes %s", n)
	}
}

// TestReadCrossover checks the verdicts on sequences of winners.
func TestReadCrossover(t *testing.T) {
	duels := func(w ...string) []Duel {
		out := make([]Duel, len(w))
		for i, x := range w {
			out[i] = Duel{Size: fmt.Sprint(10 * (i + 1)), Winner: x, Generative: "naive_bayes", Discriminative: "logreg"}
		}
		return out
	}
	for _, tc := range []struct {
		winners []string
		found   bool
		between [2]string
		verdict string
	}{
		{[]string{Generative, "tie", Generative, Discriminative, Discriminative}, true, [2]string{"30", "40"}, "found: generative better up to 30"},
		{[]string{"tie", Generative, "tie", Discriminative}, true, [2]string{"20", "40"}, "found"},
		{[]string{Discriminative, "tie", Discriminative}, false, [2]string{}, "never generative"},
		{[]string{Generative, Generative}, false, [2]string{}, "never discriminative"},
		{[]string{Discriminative, Generative}, false, [2]string{}, "not in the predicted order"},
		{[]string{"tie", "tie"}, false, [2]string{}, "no size shows a significant difference"},
	} {
		found, between, verdict := readCrossover(duels(tc.winners...), 0.05)
		if found != tc.found || between != tc.between || !strings.Contains(verdict, tc.verdict) {
			t.Errorf("%v: got %v %v %q, want %v %v and %q", tc.winners, found, between, verdict, tc.found, tc.between, tc.verdict)
		}
	}
}

// TestBadConfigs checks that mistakes are refused with messages that name
// the key and say what to do.
func TestBadConfigs(t *testing.T) {
	csv := tinyCSV(t, 40)
	for _, tc := range []struct {
		yaml, want string
	}{
		{"data: builtin:digits\nmodels: [naive_bayes, gmm]\n", "needs at least one generative model"},
		{"data: builtin:digits\nmodels: [logreg]\n", "needs at least one generative model"},
		{"data: builtin:digits\nmodels: [naive_bayes, logreg, logreg]\n", `names "logreg" twice`},
		{"data: builtin:digits\nmodels: [naive_bayes, forest]\n", "forest"},
		{"data: builtin:digits\nall_rows: false\nmax_per_class: 100\n", "max_per_class"},
		{"data: builtin:digits\nseeds: 1\n", "seeds"},
		{"data: builtin:digits\nsizes: [0]\n", "sizes"},
		{"data: builtin:digits\nmodels: [cvae]\n", "needs at least one generative model"},
		{"data: builtin:digits\ncvae_samples: 0\n", "cvae_samples"},
		{"data: builtin:digits\ncvae_min_sigma: 0\n", "cvae_min_sigma"},
		{"data: builtin:digits\ncvae_hidden: []\n", "cvae_hidden"},
		{"sizes: [10]\n", "data"},
	} {
		_, err := load(t, tc.yaml)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want an error with %q", tc.yaml, err, tc.want)
		}
	}
	for _, tc := range []struct {
		yaml, want string
	}{
		{"data: " + csv + "\nlabel: label\nsizes: [50]\nall_rows: false\n", "every size is above the smallest class"},
		{"data: " + csv + "\nlabel: label\nfeatures: pca\npca_components: 9\n", "pca_components 9"},
		{"data: " + csv + "\n", "so label must name its label column"},
		{"data: builtin:nothing\n", "unknown built-in"},
	} {
		c, err := load(t, tc.yaml)
		if err != nil {
			t.Fatalf("%q: %v", tc.yaml, err)
		}
		if _, err := Open(FromConfig(c)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want an error with %q", tc.yaml, err, tc.want)
		}
	}
}
