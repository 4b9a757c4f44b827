package data

import (
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// ReadOptions says how ReadTable reads a table as people keep it: text
// columns as categories, a count column as frequency weights.
type ReadOptions struct {
	// Label names the label column ("" for none; the built-in tables' own
	// label when Spec is one of them).
	Label string
	// Categorical names feature columns to read as categories even when
	// every cell is a number (integer codes). A feature column holding a cell
	// that is not a number is categorical without being named.
	Categorical []string
	// Reference chooses the reference level of categorical columns (column →
	// level); a column not named gets its most frequent level (by weight when
	// there is a weight column), the first in level order on a tie.
	Reference map[string]string
	// Weight names a column of frequency weights (finite, ≥ 0): row i stands
	// for Weights[i] identical observations, as in a grouped table with a
	// count column. It is not a feature.
	Weight string
	// Ignore names columns to leave out of the table altogether (neither
	// feature, label nor weight), such as the `synthetic` marker column of an
	// augment export. A test table (Like set) need not have them.
	Ignore []string
	// Missing reads an empty or NA/NaN feature cell as missing (NaN) instead
	// of refusing it (see LoadTableMissing).
	Missing bool
	// Like is the training table when reading a test table: its categorical
	// columns are coded with the training levels (a level training never saw
	// is an error naming file, line, column and level), and its reference
	// levels are kept.
	Like *Table
}

// ReadTable reads the table named by spec (a CSV path or a built-in table, as
// LoadTable) under o: text cells of feature columns become categories whose
// levels are sorted (numerically when every level is a number), the weight
// column becomes Table.Weights. A categorical feature holds level indices in
// X; Table.Levels and Table.Reference describe it.
func ReadTable(spec string, o ReadOptions) (*Table, error) {
	s := strings.TrimSpace(spec)
	declared := map[string]bool{}
	for _, c := range o.Categorical {
		declared[strings.TrimSpace(c)] = true
	}
	also := map[string]bool{}
	if o.Like != nil {
		for _, f := range o.Like.CategoricalFeatures() {
			also[f] = true
		}
	}
	var t *Table
	var err error
	if s == "" || strings.HasPrefix(s, "builtin:") {
		if t, err = LoadTable(spec, o.Label); err == nil {
			err = t.declareCategorical(declared, also, s)
		}
	} else {
		var f *os.File
		if f, err = os.Open(s); err != nil {
			return nil, fmt.Errorf("reading CSV table: %w", err)
		}
		defer f.Close()
		t, err = parseCSV(f, s, o.Label, parseMode{missing: o.Missing, detect: true, categorical: declared, alsoCategorical: also})
	}
	if err != nil {
		return nil, err
	}
	if err := t.dropColumns(o.Ignore, s, o.Like != nil); err != nil {
		return nil, err
	}
	if o.Weight != "" {
		if err := t.takeWeights(strings.TrimSpace(o.Weight), s); err != nil {
			return nil, err
		}
	}
	if o.Like != nil {
		return t, t.codeLike(o.Like, s)
	}
	return t, t.chooseReferences(o.Reference, s)
}

// setLevels makes feature j categorical with the sorted distinct values of
// cells ("" is a missing cell, NaN in X) as its levels.
func (t *Table) setLevels(j int, cells []string) {
	var levels []string
	for _, c := range cells {
		if c != "" && !slices.Contains(levels, c) {
			levels = append(levels, c)
		}
	}
	sortLevels(levels)
	t.setCoded(j, cells, levels)
}

// setCoded stores cells of feature j as indices into levels, which must hold
// every non-empty cell.
func (t *Table) setCoded(j int, cells, levels []string) {
	if t.Levels == nil {
		t.Levels = make([][]string, len(t.Features))
		t.Reference = make([]int, len(t.Features))
		for k := range t.Reference {
			t.Reference[k] = -1
		}
	}
	t.Levels[j], t.Reference[j] = levels, 0
	p := len(t.Features)
	for i, c := range cells {
		if c == "" {
			t.X[i*p+j] = math.NaN()
			continue
		}
		t.X[i*p+j] = float64(slices.Index(levels, c))
	}
}

// sortLevels orders levels numerically when every one is a number, otherwise
// as strings (the order of R's factor and patsy's C()).
func sortLevels(levels []string) {
	nums := make(map[string]float64, len(levels))
	for _, l := range levels {
		v, err := strconv.ParseFloat(l, 64)
		if err != nil {
			sort.Strings(levels)
			return
		}
		nums[l] = v
	}
	sort.SliceStable(levels, func(a, b int) bool { return nums[levels[a]] < nums[levels[b]] })
}

// formatLevel names a numeric cell as a level.
func formatLevel(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// declareCategorical turns the numeric feature columns named in declared
// (and those in also that t has) into categories, for tables that were not
// parsed from a file.
func (t *Table) declareCategorical(declared, also map[string]bool, spec string) error {
	for c := range also {
		if slices.Contains(t.Features, c) {
			declared[c] = true
		}
	}
	for c := range declared {
		j := slices.Index(t.Features, c)
		if j < 0 {
			return fmt.Errorf("%s has no feature column %q to read as categorical; its columns are: %s", spec, c, strings.Join(t.Features, ", "))
		}
		if t.IsCategorical(j) {
			continue
		}
		cells := make([]string, t.Rows)
		for i := range cells {
			if v := t.X[i*len(t.Features)+j]; !math.IsNaN(v) {
				cells[i] = formatLevel(v)
			}
		}
		t.setLevels(j, cells)
	}
	return nil
}

// line returns the file line of row i, or 0 when unknown.
func (t *Table) line(i int) int {
	if i < len(t.lines) {
		return t.lines[i]
	}
	return 0
}

// takeWeights moves the feature column named col into Weights.
func (t *Table) takeWeights(col, spec string) error {
	j := slices.Index(t.Features, col)
	if j < 0 {
		if col == t.Label {
			return fmt.Errorf("%s: the weight column %q is the label column; name a column of counts", spec, col)
		}
		return fmt.Errorf("%s has no column %q to use as frequency weights; its columns are: %s", spec, col, strings.Join(t.Features, ", "))
	}
	p := len(t.Features)
	if t.IsCategorical(j) {
		return &CSVError{File: spec, Column: col, Msg: "the weight column holds text; frequency weights must be numbers ≥ 0 (counts)"}
	}
	w := make([]float64, t.Rows)
	for i := 0; i < t.Rows; i++ {
		v := t.X[i*p+j]
		if math.IsNaN(v) || v < 0 {
			return &CSVError{File: spec, Line: t.line(i), Column: col, Cell: formatLevel(v), Msg: "frequency weight is missing or negative; every weight must be a finite number ≥ 0"}
		}
		w[i] = v
	}
	t.removeFeature(j)
	t.Weights, t.WeightColumn = w, col
	return nil
}

// removeFeature deletes feature column j from the table.
func (t *Table) removeFeature(j int) {
	p := len(t.Features)
	x := make([]float64, 0, t.Rows*(p-1))
	for i := 0; i < t.Rows; i++ {
		row := t.X[i*p : (i+1)*p]
		x = append(append(x, row[:j]...), row[j+1:]...)
	}
	t.X = x
	t.Features = slices.Delete(t.Features, j, j+1)
	if t.Levels != nil {
		t.Levels = slices.Delete(t.Levels, j, j+1)
		t.Reference = slices.Delete(t.Reference, j, j+1)
	}
}

// dropColumns removes the feature columns named in ignore (ReadOptions.Ignore).
// A name the table does not have as a feature is an error listing its
// columns, unless lenient (a test table read like a training table, which
// need not carry a column training left out).
func (t *Table) dropColumns(ignore []string, spec string, lenient bool) error {
	for _, name := range ignore {
		name = strings.TrimSpace(name)
		j := slices.Index(t.Features, name)
		if j < 0 && lenient && name != t.Label {
			continue
		}
		if j < 0 {
			if name == t.Label {
				return fmt.Errorf("%s: cannot ignore %q, the label column", spec, name)
			}
			return fmt.Errorf("%s has no column %q to ignore; its feature columns are: %s", spec, name, strings.Join(t.Features, ", "))
		}
		t.removeFeature(j)
	}
	return nil
}

// chooseReferences sets the reference level of every categorical column: the
// one named in ref, else the most frequent (weighted).
func (t *Table) chooseReferences(ref map[string]string, spec string) error {
	for c, level := range ref {
		j := slices.Index(t.Features, c)
		if j < 0 || !t.IsCategorical(j) {
			return fmt.Errorf("%s: reference %s=%s names no categorical feature column; categorical columns: %s", spec, c, level, strings.Join(t.CategoricalFeatures(), ", "))
		}
	}
	p := len(t.Features)
	for j := range t.Features {
		if !t.IsCategorical(j) {
			continue
		}
		if level, ok := ref[t.Features[j]]; ok {
			k := slices.Index(t.Levels[j], level)
			if k < 0 {
				return fmt.Errorf("%s: reference level %q of column %q does not occur; its levels are: %s", spec, level, t.Features[j], strings.Join(t.Levels[j], ", "))
			}
			t.Reference[j] = k
			continue
		}
		freq := make([]float64, len(t.Levels[j]))
		for i := 0; i < t.Rows; i++ {
			v := t.X[i*p+j]
			if math.IsNaN(v) {
				continue
			}
			w := 1.0
			if t.Weights != nil {
				w = t.Weights[i]
			}
			freq[int(v)] += w
		}
		best := 0
		for k, f := range freq {
			if f > freq[best] {
				best = k
			}
		}
		t.Reference[j] = best
	}
	return nil
}

// CategoricalFeatures names the categorical feature columns.
func (t *Table) CategoricalFeatures() []string {
	var out []string
	for j, f := range t.Features {
		if t.IsCategorical(j) {
			out = append(out, f)
		}
	}
	return out
}

// codeLike recodes the categorical columns of t (a test table) with the
// levels of train's columns of the same names and copies train's reference
// levels. A column numeric in train must be numeric in t.
func (t *Table) codeLike(train *Table, spec string) error {
	p := len(t.Features)
	for j, f := range t.Features {
		tj := slices.Index(train.Features, f)
		if tj < 0 || !train.IsCategorical(tj) {
			if tj >= 0 && t.IsCategorical(j) {
				return fmt.Errorf("%s: column %q holds text, but in the training table it holds numbers; give both files the same kind of column", spec, f)
			}
			continue
		}
		cells := make([]string, t.Rows)
		for i := range cells {
			v := t.X[i*p+j]
			if math.IsNaN(v) {
				continue
			}
			cells[i] = t.Levels[j][int(v)]
			if !slices.Contains(train.Levels[tj], cells[i]) {
				return &CSVError{File: spec, Line: t.line(i), Column: f, Cell: cells[i],
					Msg: fmt.Sprintf("level %q does not occur in the training data, so the model has nothing to say about it; training levels: %s", cells[i], strings.Join(train.Levels[tj], ", "))}
			}
		}
		t.setCoded(j, cells, slices.Clone(train.Levels[tj]))
		t.Reference[j] = train.Reference[tj]
	}
	return nil
}

// Encoding describes how a table's categorical columns become numeric
// columns: one indicator column per level, the reference level dropped when
// DropReference is set.
type Encoding struct {
	// Features names the table's feature columns.
	Features []string `json:"features"`
	// Levels and Reference are the table's (see Table).
	Levels [][]string `json:"levels,omitempty"`
	// Reference holds each categorical column's reference level index.
	Reference []int `json:"reference,omitempty"`
	// DropReference leaves out the reference level's indicator.
	DropReference bool `json:"drop_reference"`
}

// NewEncoding returns the one-hot encoding of t's columns.
func NewEncoding(t *Table, dropReference bool) *Encoding {
	e := &Encoding{Features: slices.Clone(t.Features), DropReference: dropReference}
	if t.Levels != nil {
		e.Levels = make([][]string, len(t.Levels))
		for j, l := range t.Levels {
			e.Levels[j] = slices.Clone(l)
		}
		e.Reference = slices.Clone(t.Reference)
	}
	return e
}

// categorical reports whether column j is categorical.
func (e *Encoding) categorical(j int) bool { return e.Levels != nil && e.Levels[j] != nil }

// Columns names the encoded columns: a numeric feature keeps its name, a
// level of a categorical one is "column[level]".
func (e *Encoding) Columns() []string {
	var out []string
	for j, f := range e.Features {
		if !e.categorical(j) {
			out = append(out, f)
			continue
		}
		for k, l := range e.Levels[j] {
			if e.DropReference && k == e.Reference[j] {
				continue
			}
			out = append(out, f+"["+l+"]")
		}
	}
	return out
}

// Encode turns one row of table values (level indices for categorical
// columns) into the encoded row, appended to dst. A missing level (NaN) sets
// every indicator of its column to NaN.
func (e *Encoding) Encode(dst, row []float64) []float64 {
	for j, v := range row {
		if !e.categorical(j) {
			dst = append(dst, v)
			continue
		}
		for k := range e.Levels[j] {
			if e.DropReference && k == e.Reference[j] {
				continue
			}
			switch {
			case math.IsNaN(v):
				dst = append(dst, math.NaN())
			case int(v) == k:
				dst = append(dst, 1)
			default:
				dst = append(dst, 0)
			}
		}
	}
	return dst
}

// EncodeAll encodes the n rows of the row-major x.
func (e *Encoding) EncodeAll(x []float64, n int) []float64 {
	p := len(e.Features)
	out := make([]float64, 0, n*len(e.Columns()))
	for i := 0; i < n; i++ {
		out = e.Encode(out, x[i*p:(i+1)*p])
	}
	return out
}

// ReferenceLevel names the reference level of column j ("" when numeric).
func (e *Encoding) ReferenceLevel(j int) string {
	if !e.categorical(j) {
		return ""
	}
	return e.Levels[j][e.Reference[j]]
}
