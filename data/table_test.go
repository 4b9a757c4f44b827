package data

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseCSVNumericLabel(t *testing.T) {
	in := "a, b ,y\n1,2,0\n 3.5 ,-4e1,1\n5,6,1\n"
	tb, err := ParseCSV(strings.NewReader(in), "t.csv", "y")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tb.Features, []string{"a", "b"}) || tb.Label != "y" || tb.Rows != 3 {
		t.Fatalf("got features %q label %q rows %d", tb.Features, tb.Label, tb.Rows)
	}
	if !slices.Equal(tb.X, []float64{1, 2, 3.5, -40, 5, 6}) || !slices.Equal(tb.Y, []float64{0, 1, 1}) {
		t.Fatalf("got X %v Y %v", tb.X, tb.Y)
	}
	if tb.LabelNames != nil {
		t.Fatalf("numeric labels gave LabelNames %q", tb.LabelNames)
	}
	if got := tb.Row(1); !slices.Equal(got, []float64{3.5, -40}) {
		t.Fatalf("Row(1) = %v", got)
	}
	if tb.NumFeatures() != 2 || tb.NumClasses() != 2 {
		t.Fatalf("NumFeatures %d NumClasses %d", tb.NumFeatures(), tb.NumClasses())
	}
}

func TestParseCSVStringLabelAndLabelInMiddle(t *testing.T) {
	in := "\uFEFFx,kind,z\n1,cat,2\n3,dog,4\n5,cat,6\n7,\"bird, small\",8\n"
	tb, err := ParseCSV(strings.NewReader(in), "t.csv", "kind")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tb.Features, []string{"x", "z"}) {
		t.Fatalf("features %q", tb.Features)
	}
	if !slices.Equal(tb.LabelNames, []string{"cat", "dog", "bird, small"}) || !slices.Equal(tb.Y, []float64{0, 1, 0, 2}) {
		t.Fatalf("LabelNames %q Y %v", tb.LabelNames, tb.Y)
	}
	if !slices.Equal(tb.X, []float64{1, 2, 3, 4, 5, 6, 7, 8}) {
		t.Fatalf("X %v", tb.X)
	}
	if tb.NumClasses() != 3 {
		t.Fatalf("NumClasses %d", tb.NumClasses())
	}
	sub := tb.Subset([]int{3, 0, 3})
	if sub.Rows != 3 || !slices.Equal(sub.X, []float64{7, 8, 1, 2, 7, 8}) || !slices.Equal(sub.Y, []float64{2, 0, 2}) {
		t.Fatalf("Subset: rows %d X %v Y %v", sub.Rows, sub.X, sub.Y)
	}
	sub.X[0] = 99
	sub.LabelNames[0] = "changed"
	if tb.X[6] != 7 || tb.LabelNames[0] != "cat" {
		t.Fatal("Subset shares memory with the original")
	}
}

func TestParseCSVNoLabel(t *testing.T) {
	tb, err := ParseCSV(strings.NewReader("a,b\n1,2\n"), "t.csv", "")
	if err != nil {
		t.Fatal(err)
	}
	if tb.Label != "" || tb.Y != nil || len(tb.Features) != 2 || tb.NumClasses() != 0 {
		t.Fatalf("got %+v", tb)
	}
}

func TestParseCSVErrors(t *testing.T) {
	cases := []struct {
		name, in, label string
		line            int
		column, cell    string
		want            []string // substrings of the message
	}{
		{"empty file", "", "y", 0, "", "", []string{"t.csv", "empty"}},
		{"header only", "a,y\n", "y", 0, "", "", []string{"header but no data rows"}},
		{"missing label", "a,b\n1,2\n", "target", 0, "", "", []string{`no column named "target"`, "a, b"}},
		{"ragged short", "a,b,y\n1,2,0\n3,4\n", "y", 3, "", "3,4", []string{"line 3", "2 cells", "3 columns"}},
		{"ragged long", "a,y\n1,0\n2,0\n3,0,9\n", "y", 4, "", "3,0,9", []string{"line 4", "3 cells"}},
		{"non-numeric", "a,b,y\n1,2,0\n3,x4,1\n", "y", 3, "b", "x4", []string{"line 3", `column "b"`, `"x4"`, "not a number"}},
		{"empty cell", "a,b,y\n1,2,0\n3, ,1\n", "y", 3, "b", "", []string{"line 3", `column "b"`, "empty cell"}},
		{"NaN", "a,b,y\n1,NaN,0\n", "y", 2, "b", "NaN", []string{"line 2", "finite"}},
		{"Inf", "a,b,y\n1,2,0\n-inf,2,0\n", "y", 3, "a", "-inf", []string{"line 3", "finite"}},
		{"overflow", "a,y\n1e400,0\n", "y", 2, "a", "1e400", []string{"finite"}},
		{"NaN label", "a,y\n1,0\n2,nan\n", "y", 3, "y", "nan", []string{"label"}},
		{"empty label", "a,y\n1,\n", "y", 2, "y", "", []string{"empty cell"}},
		{"duplicate header", "a,b,a\n1,2,3\n", "", 1, "a", "", []string{"twice"}},
		{"unnamed column", "a,,y\n1,2,3\n", "y", 1, "", "", []string{"no name"}},
		{"multiline quoted cell", "a,y\n1,0\n\"2\n3\",0\n4,zz\n5,x\n", "y", 3, "a", "2\n3", []string{"line 3"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseCSV(strings.NewReader(c.in), "t.csv", c.label)
			if err == nil {
				t.Fatal("no error")
			}
			var ce *CSVError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is not a *CSVError", err)
			}
			if ce.Line != c.line || ce.Column != c.column || ce.Cell != c.cell || ce.File != "t.csv" {
				t.Errorf("got line %d column %q cell %q file %q, want %d %q %q", ce.Line, ce.Column, ce.Cell, ce.File, c.line, c.column, c.cell)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestParseCSVSyntaxError(t *testing.T) {
	_, err := ParseCSV(strings.NewReader("a,y\n1,0\n\"2,0\n"), "q.csv", "y")
	if err == nil || !strings.Contains(err.Error(), "q.csv") || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("got %v", err)
	}
}

func TestReadCSVFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.csv")
	if err := os.WriteFile(p, []byte("f1,label\r\n0.5,yes\r\n1.5,no\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tb, err := ReadCSV(p, "label")
	if err != nil {
		t.Fatal(err)
	}
	if tb.Rows != 2 || !slices.Equal(tb.LabelNames, []string{"yes", "no"}) {
		t.Fatalf("got %+v", tb)
	}
	_, err = ReadCSV(filepath.Join(t.TempDir(), "missing.csv"), "label")
	if err == nil || !strings.Contains(err.Error(), "missing.csv") {
		t.Fatalf("missing file: %v", err)
	}
	_, err = ParseCSV(strings.NewReader("a,label\n1,x\n2,\n"), p, "label")
	if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("got %v", err)
	}
}

func TestBreastCancer(t *testing.T) {
	tb, err := BreastCancer()
	if err != nil {
		t.Fatal(err)
	}
	if tb.Rows != 569 || tb.NumFeatures() != 30 || tb.Label != "target" || tb.LabelNames != nil {
		t.Fatalf("rows %d features %d label %q names %q", tb.Rows, tb.NumFeatures(), tb.Label, tb.LabelNames)
	}
	if tb.Features[0] != "mean_radius" || tb.Features[29] != "worst_fractal_dimension" {
		t.Fatalf("features %q ... %q", tb.Features[0], tb.Features[29])
	}
	// First row of the file: 17.99,10.38,...,0.1189,0
	if tb.X[0] != 17.99 || tb.Row(0)[29] != 0.1189 || tb.Y[0] != 0 {
		t.Fatalf("row 0 = %v, y %v", tb.Row(0), tb.Y[0])
	}
	var pos int
	for _, y := range tb.Y {
		if y != 0 && y != 1 {
			t.Fatalf("label %v", y)
		}
		pos += int(y)
	}
	if pos != 357 { // 357 benign, 212 malignant
		t.Fatalf("%d benign rows, want 357", pos)
	}
	train, test, err := BreastCancerSplit()
	if err != nil {
		t.Fatal(err)
	}
	if len(train) != 455 || len(test) != 114 {
		t.Fatalf("split %d/%d", len(train), len(test))
	}
	all := append(append([]int{}, train...), test...)
	slices.Sort(all)
	for i, v := range all {
		if v != i {
			t.Fatalf("split does not cover rows exactly once (sorted[%d] = %d)", i, v)
		}
	}
	if sub := tb.Subset(test); sub.Rows != 114 || sub.Y[0] != tb.Y[test[0]] {
		t.Fatal("Subset(test) wrong")
	}
}

func TestLoadTable(t *testing.T) {
	tb, err := LoadTable("builtin:breast_cancer", "")
	if err != nil || tb.Label != "target" || tb.Rows != 569 {
		t.Fatalf("builtin: %v %+v", err, tb)
	}
	tb, err = LoadTable("builtin:breast_cancer", "mean_radius")
	if err != nil || tb.Label != "mean_radius" || tb.NumFeatures() != 30 || tb.Y[0] != 17.99 {
		t.Fatalf("builtin with label: %v", err)
	}
	tb, err = LoadTable("builtin:digits", "")
	if err != nil || tb.Rows != 1797 || tb.NumFeatures() != 64 || tb.NumClasses() != 10 {
		t.Fatalf("builtin digits: %v", err)
	}
	if _, err := LoadTable("builtin:iris", ""); err == nil || !strings.Contains(err.Error(), "builtin:breast_cancer") {
		t.Fatalf("unknown builtin: %v", err)
	}
	p := filepath.Join(t.TempDir(), "t.csv")
	os.WriteFile(p, []byte("a,b\n1,2\n"), 0o644)
	tb, err = LoadTable(p, "b")
	if err != nil || tb.Rows != 1 || tb.Y[0] != 2 {
		t.Fatalf("csv path: %v", err)
	}
}

func TestDigits(t *testing.T) {
	im, err := Digits()
	if err != nil {
		t.Fatal(err)
	}
	if im.N != 1797 || im.C != 1 || im.H != 8 || im.W != 8 || im.Dim() != 64 || len(im.Pixels) != 1797*64 || im.Classes != 10 {
		t.Fatalf("got N %d C %d H %d W %d", im.N, im.C, im.H, im.W)
	}
	// First image of the file: 0,0,5,13,9,1,0,0, ... label 0.
	first := im.Image(0)
	if first[2] != 5.0/16 || first[3] != 13.0/16 || im.Labels[0] != 0 {
		t.Fatalf("image 0 starts %v, label %d", first[:8], im.Labels[0])
	}
	counts := im.LabelCounts()
	for c, n := range counts {
		if n < 170 || n > 190 { // scikit-learn's digits: 174..183 per class
			t.Errorf("class %d has %d images", c, n)
		}
	}
	var maxPix float32
	for _, p := range im.Pixels {
		if p < 0 || p > 1 {
			t.Fatalf("pixel %v outside [0,1]", p)
		}
		maxPix = max(maxPix, p)
	}
	if maxPix != 1 {
		t.Fatalf("max pixel %v, want 1 (16/16)", maxPix)
	}
}

func TestImagesGatherSubset(t *testing.T) {
	im := &Images{N: 3, C: 1, H: 1, W: 2, Pixels: []float32{0, 1, 2, 3, 4, 5}, Labels: []int{7, 8, 9}, Classes: 10}
	dst := make([]float32, 4)
	im.Gather([]int{2, 0}, dst)
	if !slices.Equal(dst, []float32{4, 5, 0, 1}) {
		t.Fatalf("Gather %v", dst)
	}
	s := im.Subset([]int{1, 1})
	if s.N != 2 || !slices.Equal(s.Pixels, []float32{2, 3, 2, 3}) || !slices.Equal(s.Labels, []int{8, 8}) {
		t.Fatalf("Subset %+v", s)
	}
	s.Pixels[0] = 100
	if im.Pixels[2] != 2 {
		t.Fatal("Subset shares pixels")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Gather into a short buffer did not panic")
		}
	}()
	im.Gather([]int{0, 1, 2}, dst)
}
