package data

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeCSV writes text to name in a temporary directory and returns its path.
func writeCSV(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadTableCategoricalWeightsReference(t *testing.T) {
	tr := writeCSV(t, "train.csv", "city,smoker,n,y\nYork,1,5,0\nLeeds,0,1,1\nYork,0,2,1\nBath,1,9,0\n")
	tb, err := ReadTable(tr, ReadOptions{Label: "y", Weight: "n", Categorical: []string{"smoker"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tb.Features, []string{"city", "smoker"}) || tb.WeightColumn != "n" || !slices.Equal(tb.Weights, []float64{5, 1, 2, 9}) {
		t.Fatalf("features %q weights %q %v", tb.Features, tb.WeightColumn, tb.Weights)
	}
	if !slices.Equal(tb.Levels[0], []string{"Bath", "Leeds", "York"}) || !slices.Equal(tb.Levels[1], []string{"0", "1"}) {
		t.Fatalf("levels %q", tb.Levels)
	}
	if !slices.Equal(tb.X, []float64{2, 1, 1, 0, 2, 0, 0, 1}) {
		t.Fatalf("X %v", tb.X)
	}
	// Most frequent by weight: Bath (9) beats York (7); smoker 1 (14) beats 0 (3).
	if !slices.Equal(tb.Reference, []int{0, 1}) {
		t.Fatalf("reference %v", tb.Reference)
	}
	tb, err = ReadTable(tr, ReadOptions{Label: "y", Weight: "n", Reference: map[string]string{"city": "York"}})
	if err != nil {
		t.Fatal(err)
	}
	if tb.Reference[0] != 2 || tb.IsCategorical(1) {
		t.Fatalf("reference %v, smoker categorical %v", tb.Reference, tb.IsCategorical(1))
	}
	e := NewEncoding(tb, true)
	if got := e.Columns(); !slices.Equal(got, []string{"city[Bath]", "city[Leeds]", "smoker"}) {
		t.Fatalf("columns %q", got)
	}
	if got := e.EncodeAll(tb.X, 2); !slices.Equal(got, []float64{0, 0, 1, 0, 1, 0}) {
		t.Fatalf("encoded %v", got)
	}
	if got := NewEncoding(tb, false).Columns(); len(got) != 4 {
		t.Fatalf("full one-hot columns %q", got)
	}

	te := writeCSV(t, "test.csv", "city,smoker,n,y\nLeeds,1,1,0\nYork,0,3,1\nHull,1,1,0\n")
	_, _, err = ReadTablePair(tr, te, ReadOptions{Label: "y", Weight: "n"})
	errorSays(t, "unseen level", err, "test.csv", "line 4", `column "city"`, `"Hull"`, "training")
	te = writeCSV(t, "test.csv", "city,smoker,n,y\nYork,1,1,0\nBath,0,3,1\n")
	_, test, err := ReadTablePair(tr, te, ReadOptions{Label: "y", Weight: "n", Reference: map[string]string{"city": "York"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(test.X, []float64{2, 1, 0, 0}) || test.Reference[0] != 2 {
		t.Fatalf("test coded %v reference %v", test.X, test.Reference)
	}
}

func TestReadTableErrors(t *testing.T) {
	p := writeCSV(t, "t.csv", "a,n,y\nx,1,0\ny,-2,1\n")
	for _, c := range []struct {
		o    ReadOptions
		want []string
	}{
		{ReadOptions{Label: "y", Weight: "n"}, []string{"line 3", `column "n"`, "≥ 0"}},
		{ReadOptions{Label: "y", Weight: "m"}, []string{`no column "m"`}},
		{ReadOptions{Label: "y", Reference: map[string]string{"a": "z"}}, []string{`"z"`, "x, y"}},
		{ReadOptions{Label: "y", Categorical: []string{"q"}}, []string{`"q"`, "categorical"}},
		{ReadOptions{Label: "y", Ignore: []string{"q"}}, []string{`no column "q" to ignore`, "a, n"}},
		{ReadOptions{Label: "y", Ignore: []string{"y"}}, []string{`"y", the label column`}},
	} {
		_, err := ReadTable(p, c.o)
		errorSays(t, fmt.Sprintf("%+v", c.o), err, c.want...)
	}
}

// TestReadTableIgnore leaves ignored columns out: the rest keep their
// values, levels and order, the weight still works beside them.
func TestReadTableIgnore(t *testing.T) {
	p := writeCSV(t, "t.csv", "a,mark,n,w,y\nx,1,0.5,2,0\ny,0,1.5,1,1\nx,1,2.5,3,1\n")
	tab, err := ReadTable(p, ReadOptions{Label: "y", Weight: "w", Ignore: []string{"mark"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "n"}; !slices.Equal(tab.Features, want) {
		t.Fatalf("features %v, want %v", tab.Features, want)
	}
	if want := []float64{0, 0.5, 1, 1.5, 0, 2.5}; !slices.Equal(tab.X, want) {
		t.Errorf("X = %v, want %v", tab.X, want)
	}
	if want := []float64{2, 1, 3}; !slices.Equal(tab.Weights, want) {
		t.Errorf("weights %v, want %v", tab.Weights, want)
	}
	if !slices.Equal(tab.Levels[0], []string{"x", "y"}) || tab.Levels[1] != nil || len(tab.Reference) != 2 {
		t.Errorf("levels %v, reference %v", tab.Levels, tab.Reference)
	}
	// A test table read like the training one need not have the column.
	q := writeCSV(t, "test.csv", "a,n,w,y\ny,4,1,0\n")
	test, err := ReadTable(q, ReadOptions{Label: "y", Weight: "w", Ignore: []string{"mark"}, Like: tab})
	if err != nil {
		t.Fatalf("test table without the ignored column: %v", err)
	}
	if !slices.Equal(test.Features, tab.Features) || !slices.Equal(test.X, []float64{1, 4}) {
		t.Errorf("test table: features %v, X %v", test.Features, test.X)
	}
}

// errorSays fails the test unless err is an error whose text holds every
// one of want.
func errorSays(t *testing.T, what string, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error", what)
		return
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%s: error %q lacks %q", what, err, w)
		}
	}
}

func TestReadTableMissingLevelAndBuiltinDeclared(t *testing.T) {
	p := writeCSV(t, "t.csv", "a,b,y\nx,1,0\nNA,2,1\n10,3,1\n")
	tb, err := ReadTable(p, ReadOptions{Label: "y", Missing: true})
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(tb.X[2]) || !slices.Equal(tb.Levels[0], []string{"10", "x"}) {
		t.Fatalf("X %v levels %q", tb.X, tb.Levels)
	}
	bc, err := ReadTable(BuiltinBreastCancer, ReadOptions{Categorical: []string{"mean_radius"}})
	if err != nil {
		t.Fatal(err)
	}
	if !bc.IsCategorical(0) || len(bc.Levels[0]) < 100 {
		t.Fatalf("declared builtin column: levels %d", len(bc.Levels[0]))
	}
}
