package augment

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"genxai/data"
	"genxai/runs"
)

// TestExportRoundTrip runs a small breast-cancer study, exports its best
// setting and reads the CSV back through the reader genxai svm uses
// (data.ReadTablePair): the columns are synthetic, the label and the
// table's features; the rows are n per class real then ratio·n per class
// synthetic; a second export is byte-identical.
func TestExportRoundTrip(t *testing.T) {
	s := smallBreastCancer()
	s.Ratios = []float64{0, 1, 2}
	st, err := Open(s)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	res, err := st.Run(Options{})
	if err != nil {
		t.Fatal(err)
	}
	best, ok := res.Best()
	if !ok || best.Ratio == 0 {
		t.Fatalf("Best() = %+v, %v", best, ok)
	}
	for _, c := range res.Cells {
		if c.Ratio > 0 && c.Delta > best.Delta {
			t.Errorf("cell %+v has a larger delta than the best %+v", c, best)
		}
	}
	export := func(path string) []byte {
		dir, err := runs.CreateNamed(path, "augment-export", false)
		if err != nil {
			t.Fatal(err)
		}
		defer dir.Close()
		note, err := st.Export(res, dir)
		if err != nil {
			t.Fatal(err)
		}
		if note["ratio"] != best.Ratio || note["n_per_class"] != best.N {
			t.Errorf("export.json setting %v/%v, best %v/%v", note["n_per_class"], note["ratio"], best.N, best.Ratio)
		}
		b, err := os.ReadFile(dir.File(ExportFile))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tmp := t.TempDir()
	first := export(filepath.Join(tmp, "a"))
	if second := export(filepath.Join(tmp, "b")); !bytes.Equal(first, second) {
		t.Error("two exports of the same study differ")
	}
	tab, _, err := data.ReadTablePair(filepath.Join(tmp, "a", ExportFile), "", data.ReadOptions{Label: st.Data.Label})
	if err != nil {
		t.Fatalf("the export does not load as genxai svm reads it: %v", err)
	}
	if want := append([]string{"synthetic"}, st.Data.Features...); !slices.Equal(tab.Features, want) {
		t.Errorf("columns %v, want %v", tab.Features, want)
	}
	k := st.Data.Classes
	real, syn := best.N*k, best.Synthetic*k
	if tab.Rows != real+syn {
		t.Fatalf("%d rows, want %d real + %d synthetic", tab.Rows, real, syn)
	}
	// Real rows come back in the data's own units: each is a pool row.
	p := tab.NumFeatures()
	pool := st.Data.PoolRows(seq(st.Data.PoolN))
	for i := 0; i < real; i++ {
		row := tab.X[i*p+1 : (i+1)*p]
		if !slices.ContainsFunc(seq(st.Data.PoolN), func(j int) bool { return near(row, pool[j*st.Data.D:(j+1)*st.Data.D]) }) {
			t.Fatalf("real row %d %v is no pool row", i, row[:3])
		}
	}
	perClass := make(map[float64]int)
	for i := 0; i < tab.Rows; i++ {
		if flag, want := tab.X[i*tab.NumFeatures()], float64(min(i/real, 1)); flag != want {
			t.Fatalf("row %d: synthetic = %v, want %v", i, flag, want)
		}
		perClass[tab.Y[i]]++
	}
	for c, n := range perClass {
		if n != best.N+best.Synthetic {
			t.Errorf("class %v: %d rows, want %d", c, n, best.N+best.Synthetic)
		}
	}
}

// seq returns 0, 1, …, n−1.
func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// near reports whether a and b agree to 1e-6 relative.
func near(a, b []float64) bool {
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-6*max(1, math.Abs(b[i])) {
			return false
		}
	}
	return true
}
