package data

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The embedded files are byte-identical copies of /work/shared/data; their
// provenance and licences are in embedded/PROVENANCE.md.
var (
	//go:embed embedded/breast_cancer.csv
	breastCancerCSV []byte
	//go:embed embedded/breast_cancer_split.json
	breastCancerSplitJSON []byte
	//go:embed embedded/digits8x8.csv.gz
	digitsCSVGz []byte
)

const (
	// BuiltinBreastCancer is the spec LoadTable accepts for the embedded
	// Breast Cancer Wisconsin (Diagnostic) table.
	BuiltinBreastCancer = "builtin:breast_cancer"
	// BuiltinDigits is the spec OpenImages (and LoadTable) accept for the
	// embedded 8×8 handwritten digits.
	BuiltinDigits = "builtin:digits"
)

// Sizes of the embedded data sets, checked every time they are decoded.
const (
	breastCancerRows     = 569
	breastCancerFeatures = 30
	digitsCount          = 1797
	digitsSide           = 8
	digitsMaxPixel       = 16
)

// BreastCancer returns the embedded Breast Cancer Wisconsin (Diagnostic) table:
// 569 rows, 30 numeric features (scikit-learn's column names with spaces
// replaced by underscores) and the label "target" (0 = malignant, 1 = benign).
// Each call returns a fresh copy the caller may modify.
func BreastCancer() (*Table, error) {
	return breastCancerTable("target")
}

func breastCancerTable(label string) (*Table, error) {
	const name = "embedded breast_cancer.csv"
	t, err := ParseCSV(bytes.NewReader(breastCancerCSV), name, label)
	if err != nil {
		return nil, err
	}
	cols := len(t.Features) + 1 // the label column is always chosen here
	if t.Rows != breastCancerRows || cols != breastCancerFeatures+1 {
		return nil, fmt.Errorf("reading %s: found %d rows and %d columns, want %d rows and %d columns; the embedded copy is damaged, rebuild genxai",
			name, t.Rows, cols, breastCancerRows, breastCancerFeatures+1)
	}
	return t, nil
}

// BreastCancerSplit returns the embedded train/test split of BreastCancer's
// rows: 455 training and 114 test row indices (0-based, file order), the
// split scikit-learn's train_test_split(test_size=0.2, random_state=42) gives.
// The indices are checked to be in range, disjoint and to cover every row.
func BreastCancerSplit() (train, test []int, err error) {
	const name = "embedded breast_cancer_split.json"
	var s struct {
		Source string `json:"source"`
		Train  []int  `json:"train"`
		Test   []int  `json:"test"`
	}
	if err := json.Unmarshal(breastCancerSplitJSON, &s); err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", name, err)
	}
	seen := make([]bool, breastCancerRows)
	for _, part := range [][]int{s.Train, s.Test} {
		for _, i := range part {
			if i < 0 || i >= breastCancerRows {
				return nil, nil, fmt.Errorf("reading %s: row index %d outside [0,%d)", name, i, breastCancerRows)
			}
			if seen[i] {
				return nil, nil, fmt.Errorf("reading %s: row index %d listed twice", name, i)
			}
			seen[i] = true
		}
	}
	if len(s.Train)+len(s.Test) != breastCancerRows {
		return nil, nil, fmt.Errorf("reading %s: %d train + %d test indices do not cover the %d rows", name, len(s.Train), len(s.Test), breastCancerRows)
	}
	return s.Train, s.Test, nil
}

// digitsTable decodes the embedded digits CSV (columns p0..p63, label) as a Table.
func digitsTable(label string) (*Table, error) {
	const name = "embedded digits8x8.csv.gz"
	zr, err := gzip.NewReader(bytes.NewReader(digitsCSVGz))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	defer zr.Close()
	return ParseCSV(zr, name, label)
}

// Digits returns the embedded Optical Recognition of Handwritten Digits data
// set as images: 1797 grey images of 1×8×8 with pixels (0..16 in the file)
// divided by 16, labels 0..9 and class names "0".."9". The CSV's columns
// p0..p63 are the pixels in row-major order (p[8*y+x]); they are matched by
// name, so the file's column order does not matter. Each call returns a fresh copy.
func Digits() (*Images, error) {
	const name = "embedded digits8x8.csv.gz"
	t, err := digitsTable("label")
	if err != nil {
		return nil, err
	}
	d := digitsSide * digitsSide
	if t.Rows != digitsCount || len(t.Features) != d || t.LabelNames != nil {
		return nil, fmt.Errorf("reading %s: found %d rows, %d pixel columns, numeric labels %v; want %d rows, %d columns p0..p%d and numeric labels",
			name, t.Rows, len(t.Features), t.LabelNames == nil, digitsCount, d, d-1)
	}
	// pos[k] is the table column holding pixel k.
	pos := make([]int, d)
	for k := range pos {
		pos[k] = -1
	}
	for j, f := range t.Features {
		k, err := strconv.Atoi(strings.TrimPrefix(f, "p"))
		if !strings.HasPrefix(f, "p") || err != nil || k < 0 || k >= d || pos[k] >= 0 {
			return nil, fmt.Errorf("reading %s: unexpected column %q; want columns p0..p%d and label", name, f, d-1)
		}
		pos[k] = j
	}
	im := &Images{
		Name: "digits", N: t.Rows, C: 1, H: digitsSide, W: digitsSide,
		Pixels:     make([]float32, t.Rows*d),
		Labels:     make([]int, t.Rows),
		Classes:    10,
		ClassNames: []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"},
	}
	for i := 0; i < t.Rows; i++ {
		row := t.Row(i)
		for k := 0; k < d; k++ {
			v := row[pos[k]]
			if v < 0 || v > digitsMaxPixel || v != math.Trunc(v) {
				return nil, fmt.Errorf("reading %s: row %d pixel p%d = %v, want an integer in 0..%d", name, i, k, v, digitsMaxPixel)
			}
			im.Pixels[i*d+k] = float32(v / digitsMaxPixel)
		}
		y := t.Y[i]
		if y < 0 || y > 9 || y != math.Trunc(y) {
			return nil, fmt.Errorf("reading %s: row %d label %v, want an integer in 0..9", name, i, y)
		}
		im.Labels[i] = int(y)
	}
	return im, nil
}

// LoadTable opens a table named by a config value. spec "builtin:breast_cancer"
// is the embedded BreastCancer table and "builtin:digits" the embedded digits
// as a 64-column table of raw pixel values 0..16; for these, label "" selects
// the data set's own label column ("target", "label"). Any other spec is a
// CSV file path read with ReadCSV(spec, label).
func LoadTable(spec, label string) (*Table, error) {
	switch s := strings.TrimSpace(spec); {
	case s == BuiltinBreastCancer:
		if label == "" {
			label = "target"
		}
		return breastCancerTable(label)
	case s == BuiltinDigits:
		if label == "" {
			label = "label"
		}
		return digitsTable(label)
	case strings.HasPrefix(s, "builtin:"):
		return nil, fmt.Errorf("unknown built-in table %q; available are %s and %s, or give the path of a CSV file", spec, BuiltinBreastCancer, BuiltinDigits)
	case s == "":
		return nil, fmt.Errorf("no table given; use %s, %s or the path of a CSV file", BuiltinBreastCancer, BuiltinDigits)
	default:
		return ReadCSV(s, label)
	}
}
