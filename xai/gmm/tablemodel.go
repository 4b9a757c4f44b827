package gmm

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"slices"
	"strconv"

	"genxai/data"
)

// PerClassKind is the kind of a model.json written by genxai gmm --per-class.
const PerClassKind = "per_class"

// ColumnStats describes one original feature column of the training table:
// its training range and moments (level indices' are not meaningful, so a
// categorical column has Levels and the share of each level instead).
type ColumnStats struct {
	Name string `json:"name"`
	// Levels names a categorical column's levels (nil for a numeric one).
	Levels []string `json:"levels,omitempty"`
	// Shares holds the training share of each level (categorical only).
	Shares []float64 `json:"shares,omitempty"`
	// Min, Max, Mean and SD are the training statistics of a numeric column
	// (the population standard deviation).
	Min  float64 `json:"min"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
}

// Mixture is one class's Gaussian mixture as stored in model.json.
type Mixture struct {
	Class      string      `json:"class"`
	Components int         `json:"components"`
	Candidates []int       `json:"candidates"`
	BICs       []float64   `json:"bics"`
	Weights    []float64   `json:"weights"`
	Means      [][]float64 `json:"means"`
	// Covariances are dense D×D row-major matrices, whatever the structure.
	Covariances [][]float64 `json:"covariances"`
}

// TableModel is a class-conditional generative model of a table (the
// model.json of genxai gmm --per-class): the class prior p(y) from the
// class counts and, per class, a Gaussian mixture p(x | y) over the
// one-hot-encoded features. It carries what is needed to write rows that
// look like the training table: the column names, the categorical levels
// and their encoding, the class levels, and each column's training range.
type TableModel struct {
	Kind        string `json:"kind"`
	ClassColumn string `json:"class_column"`
	// Classes are the class column's levels: the label texts in order of
	// first appearance, or the sorted numbers.
	Classes     []string  `json:"classes"`
	ClassCounts []int     `json:"class_counts"`
	ClassPriors []float64 `json:"class_priors"`
	// Columns describes the original feature columns, in file order.
	Columns []ColumnStats `json:"columns"`
	// Encoding turns table rows into the mixtures' space (one-hot,
	// reference level dropped); Features names that space's columns.
	Encoding   *data.Encoding `json:"encoding"`
	Features   []string       `json:"features"`
	Covariance string         `json:"covariance"`
	Mixtures   []Mixture      `json:"mixtures"`

	models []*Model
	sha256 string // hex SHA-256 of the file LoadTableModel read
}

// SHA256 is the hex SHA-256 of the model file LoadTableModel read ("" for a
// model built in memory).
func (tm *TableModel) SHA256() string { return tm.sha256 }

// ClassLevels returns the class of each row of t (whose label is the class
// column) as an index into the returned levels: the label names in order
// of first appearance for a text column, the sorted distinct numbers
// otherwise. It fails when the table has no label or a numeric label is
// not an integer.
func ClassLevels(t *data.Table) (levels []string, y []int, err error) {
	if t.Y == nil {
		return nil, nil, fmt.Errorf("the table has no class column")
	}
	y = make([]int, t.Rows)
	if t.LabelNames != nil {
		for i, v := range t.Y {
			y[i] = int(v)
		}
		return slices.Clone(t.LabelNames), y, nil
	}
	vals := slices.Clone(t.Y)
	for i, v := range vals {
		if v != math.Trunc(v) || math.IsInf(v, 0) {
			return nil, nil, fmt.Errorf("row %d has class %v, which is not a class: the class column must hold integers or names", i+1, v)
		}
	}
	slices.Sort(vals)
	vals = slices.Compact(vals)
	for _, v := range vals {
		levels = append(levels, strconv.FormatFloat(v, 'g', -1, 64))
	}
	for i, v := range t.Y {
		y[i], _ = slices.BinarySearch(vals, v)
	}
	return levels, y, nil
}

// NewTableModel describes the fitted per-class mixtures g of table t (its
// label the class column, classes and y from ClassLevels) encoded by enc.
func NewTableModel(t *data.Table, classes []string, y []int, enc *data.Encoding, g *PerClass, ks []int) *TableModel {
	tm := &TableModel{Kind: PerClassKind, ClassColumn: t.Label, Classes: classes, Encoding: enc,
		Features: enc.Columns(), ClassCounts: make([]int, len(classes)), ClassPriors: make([]float64, len(classes)), models: g.Models}
	for _, c := range y {
		tm.ClassCounts[c]++
	}
	for c, n := range tm.ClassCounts {
		tm.ClassPriors[c] = float64(n) / float64(t.Rows)
	}
	p := t.NumFeatures()
	for j, f := range t.Features {
		cs := ColumnStats{Name: f, Min: math.Inf(1), Max: math.Inf(-1)}
		if t.IsCategorical(j) {
			cs.Levels = slices.Clone(t.Levels[j])
			cs.Shares = make([]float64, len(cs.Levels))
		}
		var s, s2 float64
		for i := 0; i < t.Rows; i++ {
			v := t.X[i*p+j]
			if cs.Levels != nil {
				cs.Shares[int(v)] += 1 / float64(t.Rows)
				continue
			}
			s += v
			s2 += v * v
			cs.Min, cs.Max = min(cs.Min, v), max(cs.Max, v)
		}
		if cs.Levels == nil {
			cs.Mean = s / float64(t.Rows)
			cs.SD = math.Sqrt(max(s2/float64(t.Rows)-cs.Mean*cs.Mean, 0))
		} else {
			cs.Min, cs.Max = 0, float64(len(cs.Levels)-1)
		}
		tm.Columns = append(tm.Columns, cs)
	}
	for c, m := range g.Models {
		mx := Mixture{Class: classes[c], Components: m.K, Candidates: ks, BICs: g.BICs[c], Weights: m.Weights, Covariances: m.Covariances()}
		for k := 0; k < m.K; k++ {
			mx.Means = append(mx.Means, m.Mean(k))
		}
		tm.Mixtures = append(tm.Mixtures, mx)
	}
	tm.Covariance = g.Models[0].Covariance
	return tm
}

// LoadTableModel reads a model.json written by genxai gmm --per-class and
// rebuilds its mixtures. It fails, saying what to do, when the file is
// missing, is a single mixture (genxai gmm without --per-class) or is
// inconsistent.
func LoadTableModel(path string) (*TableModel, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the model: %w; give the model.json of a genxai gmm --per-class COL run", err)
	}
	var tm TableModel
	if err := json.Unmarshal(b, &tm); err != nil {
		return nil, fmt.Errorf("%s is not a genxai model file: %w", path, err)
	}
	if tm.Kind != PerClassKind {
		return nil, fmt.Errorf("%s holds one mixture for the whole table (genxai gmm without --per-class), which has no classes to generate labelled rows from; fit one with genxai gmm --train CSV --per-class COL --out DIR and give DIR/model.json", path)
	}
	k := len(tm.Classes)
	if k == 0 || len(tm.Mixtures) != k || len(tm.ClassPriors) != k || len(tm.ClassCounts) != k || tm.Encoding == nil || len(tm.Columns) != len(tm.Encoding.Features) {
		return nil, fmt.Errorf("%s is inconsistent: %d classes, %d mixtures, %d priors, %d columns; write it again with genxai gmm --per-class", path, k, len(tm.Mixtures), len(tm.ClassPriors), len(tm.Columns))
	}
	for c, mx := range tm.Mixtures {
		m, err := FromParams(mx.Weights, mx.Means, mx.Covariances)
		if err != nil {
			return nil, fmt.Errorf("%s: class %q: %w", path, tm.Classes[c], err)
		}
		if m.D != len(tm.Features) {
			return nil, fmt.Errorf("%s: class %q has a %d-dimensional mixture for %d encoded features", path, tm.Classes[c], m.D, len(tm.Features))
		}
		tm.models = append(tm.models, m)
	}
	sum := sha256.Sum256(b)
	tm.sha256 = hex.EncodeToString(sum[:])
	return &tm, nil
}

// Sample draws n encoded rows of class c (row-major n × len(Features)).
func (tm *TableModel) Sample(c, n int, rng *rand.Rand) []float64 {
	return tm.models[c].Sample(n, rng)
}

// Decode turns one encoded row into table values, appended to dst: a
// numeric column's value as it is (clipped to the column's training range
// when clip is set), a categorical column's most likely level of its
// one-hot block (the largest indicator, the dropped reference level's
// indicator being 1 minus the sum of the others) as a level index.
func (tm *TableModel) Decode(dst, enc []float64, clip bool) []float64 {
	e := tm.Encoding
	at := 0
	for j, cs := range tm.Columns {
		if cs.Levels == nil {
			v := enc[at]
			at++
			if clip {
				v = min(max(v, cs.Min), cs.Max)
			}
			dst = append(dst, v)
			continue
		}
		best, bestV, rest := -1, math.Inf(-1), 1.0
		for k := range cs.Levels {
			if e.DropReference && k == e.Reference[j] {
				continue
			}
			rest -= enc[at]
			if enc[at] > bestV {
				best, bestV = k, enc[at]
			}
			at++
		}
		if e.DropReference && (best < 0 || rest > bestV) {
			best = e.Reference[j]
		}
		dst = append(dst, float64(best))
	}
	return dst
}
