package augment

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"genxai/data"
)

// Dataset is a labelled classification data set split into a training pool
// (where the real labelled subsets are drawn from) and an untouched test set.
// Features are raw: table columns, or pixels in [0,1] for images.
type Dataset struct {
	// Name describes the source, e.g. "fashion-mnist" or "builtin:breast_cancer".
	Name string
	// D is the number of raw features.
	D int
	// Features names the D raw features (table columns; p0, p1, … for
	// pixels) and Label the label column ("label" for images).
	Features []string
	Label    string
	// Classes is the number of classes; labels are 0..Classes−1.
	Classes int
	// ClassNames names each class.
	ClassNames []string
	// Images is true when the features are pixels in [0,1]; Shape then
	// holds the image shape (nil for tables).
	Images bool
	Shape  *ImageShape
	// PoolN and PoolY are the size and labels of the training pool.
	PoolN int
	PoolY []int
	// TestX (TestN×D, row-major) and TestY hold the test set.
	TestX []float64
	TestY []int
	TestN int

	poolRow func(i int, dst []float64) // copies pool row i into dst
}

// PoolRows gathers the raw features of the pool rows idx, row-major.
func (ds *Dataset) PoolRows(idx []int) []float64 {
	out := make([]float64, len(idx)*ds.D)
	for k, i := range idx {
		ds.poolRow(i, out[k*ds.D:(k+1)*ds.D])
	}
	return out
}

// PoolByClass returns the pool indices of each class, in pool order.
func (ds *Dataset) PoolByClass() [][]int {
	out := make([][]int, ds.Classes)
	for i, y := range ds.PoolY {
		out[y] = append(out[y], i)
	}
	return out
}

// LoadDataset opens the data named by s.Source: fashion-mnist or a directory
// of Fashion-MNIST-format IDX files (official train/test split),
// builtin:digits (as images, with data.OpenImages' fixed split),
// builtin:breast_cancer (with its published 455/114 split) or a CSV file
// (label column s.Label; test rows from s.TestSource, or a seeded
// s.TestFraction split). The test set is capped at s.TestMaxRows rows by a
// fixed permutation from s.Seed. It fails, naming the source, when a CSV's
// label is missing or not a class label, when a set has fewer than two
// classes, or when the test set has features the pool does not.
func LoadDataset(s Settings) (*Dataset, error) {
	src := strings.TrimSpace(s.Source)
	var ds *Dataset
	var err error
	switch {
	case src == data.BuiltinDigits || src == "fashion-mnist" || isDir(src):
		ds, err = loadImages(src)
	case src == data.BuiltinBreastCancer:
		ds, err = loadBreastCancer()
	case strings.HasPrefix(src, "builtin:"):
		return nil, fmt.Errorf("data.source %q: unknown built-in; use %s, %s, fashion-mnist, an IDX directory or a CSV path", src, data.BuiltinBreastCancer, data.BuiltinDigits)
	default:
		ds, err = loadCSV(src, s)
	}
	if err != nil {
		return nil, err
	}
	if ds.Classes < 2 {
		return nil, fmt.Errorf("data.source %s: the training pool holds only one class (%s); augmentation for a classifier needs at least two", ds.Name, strings.Join(ds.ClassNames, ", "))
	}
	if s.TestMaxRows > 0 && ds.TestN > s.TestMaxRows {
		perm := data.Permutation(ds.TestN, s.Seed, 0)[:s.TestMaxRows]
		slices.Sort(perm)
		x := make([]float64, 0, len(perm)*ds.D)
		y := make([]int, len(perm))
		for k, i := range perm {
			x = append(x, ds.TestX[i*ds.D:(i+1)*ds.D]...)
			y[k] = ds.TestY[i]
		}
		ds.TestX, ds.TestY, ds.TestN = x, y, len(perm)
	}
	return ds, nil
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

func loadImages(src string) (*Dataset, error) {
	train, test, err := data.OpenImages(src)
	if err != nil {
		return nil, fmt.Errorf("data.source %s: %w", src, err)
	}
	d := train.Dim()
	shape := shapeOf(train)
	ds := &Dataset{
		Name: src, D: d, Features: indexedNames("p", 0, d), Label: "label", Classes: train.Classes, ClassNames: shape.ClassNames, Images: true, Shape: &shape,
		PoolN: train.N, PoolY: train.Labels, TestN: test.N, TestY: test.Labels,
		TestX: make([]float64, test.N*d),
	}
	for i, v := range test.Pixels {
		ds.TestX[i] = float64(v)
	}
	ds.poolRow = func(i int, dst []float64) {
		for j, v := range train.Image(i) {
			dst[j] = float64(v)
		}
	}
	if cls := classesPresent(train.Labels, train.Classes); cls < 2 {
		ds.Classes = cls
	}
	return ds, nil
}

// indexedNames returns prefix+first, prefix+(first+1), … (n names).
func indexedNames(prefix string, first, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(first+i)
	}
	return out
}

// classesPresent counts the distinct labels.
func classesPresent(y []int, k int) int {
	seen := make([]bool, k)
	c := 0
	for _, v := range y {
		if v >= 0 && v < k && !seen[v] {
			seen[v] = true
			c++
		}
	}
	return c
}

func loadBreastCancer() (*Dataset, error) {
	t, err := data.BreastCancer()
	if err != nil {
		return nil, err
	}
	tr, te, err := data.BreastCancerSplit()
	if err != nil {
		return nil, err
	}
	return fromTables(data.BuiltinBreastCancer, t.Subset(tr), t.Subset(te))
}

func loadCSV(path string, s Settings) (*Dataset, error) {
	if s.Label == "" {
		return nil, fmt.Errorf("data.source %s is a CSV file, so data.label must name its label column", path)
	}
	t, err := data.ReadCSV(path, s.Label)
	if err != nil {
		return nil, fmt.Errorf("data.source: %w", err)
	}
	if s.TestSource != "" {
		te, err := data.ReadCSV(s.TestSource, s.Label)
		if err != nil {
			return nil, fmt.Errorf("data.test: %w", err)
		}
		if !slices.Equal(t.Features, te.Features) {
			return nil, fmt.Errorf("data.test %s has columns %v but data.source %s has %v; both need the same columns in the same order", s.TestSource, te.Features, path, t.Features)
		}
		// Class names must agree across files: resolve them jointly.
		return fromTables(path, t, te)
	}
	tr, te := data.SplitIndices(t.Rows, s.TestFraction, s.Seed)
	if len(tr) == 0 || len(te) == 0 {
		return nil, fmt.Errorf("data.source %s: %d rows cannot be split into train and test with data.test_fraction %v", path, t.Rows, s.TestFraction)
	}
	return fromTables(path, t.Subset(tr), t.Subset(te))
}

// fromTables builds a Dataset from a training and a test table, mapping the
// label values of both to class indices 0..C−1: sorted numeric values, or
// string class names in order of first appearance in the training table.
func fromTables(name string, tr, te *data.Table) (*Dataset, error) {
	if tr.Y == nil {
		return nil, fmt.Errorf("data.source %s: the table has no label column", name)
	}
	trKeys, trNames, err := labelKeys(name, tr)
	if err != nil {
		return nil, err
	}
	teKeys, _, err := labelKeys(name+" (test)", te)
	if err != nil {
		return nil, err
	}
	// Classes are those of the training pool, ordered as above.
	var classes []string
	if tr.LabelNames == nil {
		vals := make([]float64, 0)
		seen := map[string]bool{}
		for i, k := range trKeys {
			if !seen[k] {
				seen[k] = true
				vals = append(vals, tr.Y[i])
			}
		}
		slices.Sort(vals)
		for _, v := range vals {
			classes = append(classes, strconv.FormatFloat(v, 'g', -1, 64))
		}
	} else {
		classes = trNames
	}
	index := map[string]int{}
	for i, c := range classes {
		index[c] = i
	}
	ds := &Dataset{Name: name, D: tr.NumFeatures(), Features: slices.Clone(tr.Features), Label: tr.Label, Classes: len(classes), ClassNames: classes,
		PoolN: tr.Rows, PoolY: make([]int, tr.Rows), TestN: te.Rows, TestX: te.X, TestY: make([]int, te.Rows)}
	for i, k := range trKeys {
		ds.PoolY[i] = index[k]
	}
	for i, k := range teKeys {
		c, ok := index[k]
		if !ok {
			return nil, fmt.Errorf("data.source %s: test row %d has label %q, a class the training rows never show (classes %v)", name, i+1, k, classes)
		}
		ds.TestY[i] = c
	}
	ds.poolRow = func(i int, dst []float64) { copy(dst, tr.Row(i)) }
	return ds, nil
}

// labelKeys returns each row's label as text (the class name, or the
// number formatted canonically) and, for string labels, the names.
func labelKeys(name string, t *data.Table) ([]string, []string, error) {
	keys := make([]string, t.Rows)
	for i, y := range t.Y {
		if t.LabelNames != nil {
			keys[i] = t.LabelNames[int(y)]
			continue
		}
		if y != math.Trunc(y) {
			return nil, nil, fmt.Errorf("data.source %s: row %d has label %v, which is not a class; the label column must hold integers or class names", name, i+1, y)
		}
		keys[i] = strconv.FormatFloat(y, 'g', -1, 64)
	}
	return keys, t.LabelNames, nil
}
